package ai.factory.onnx;

import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ONNX Runtime sessions with the configured device, threads, spinning and pre-packing. A CUDA device that
 * cannot be used (CPU-only build, no driver, no GPU) is detected once, when the factory is made, reported with
 * one warning, and replaced by the CPU for every session of this factory.
 */
public final class SessionFactory {

    private static final Logger log = LoggerFactory.getLogger(SessionFactory.class);

    private final OrtEnvironment environment;
    private final SessionSettings requested;
    private final Device effective;
    // Switch values handed to sessions: ONNX Runtime reads an added initializer for as long as the session lives.
    private final OnnxTensor on;
    private final OnnxTensor off;
    private final PoolThreads pool = new PoolThreads();

    public SessionFactory(SessionSettings settings) {
        this.environment = OrtRuntime.environment();
        this.requested = settings;
        this.effective = settings.device().isCuda() ? probeCuda(settings.device()) : Device.CPU;
        try {
            this.on = OnnxTensor.createTensor(environment, true);
            this.off = OnnxTensor.createTensor(environment, false);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot make a boolean scalar: " + e.getMessage(), e);
        }
    }

    public OrtEnvironment environment() {
        return environment;
    }

    /** The device sessions actually run on. */
    public Device device() {
        return effective;
    }

    /** The settings as asked for (the device may differ from {@link #device()}). */
    public SessionSettings settings() {
        return requested;
    }

    /** A new session of the serialized model {@code onnx}; the caller closes it. */
    public OrtSession create(byte[] onnx) throws OrtException {
        return create(onnx, java.util.Map.of());
    }

    /**
     * A new session of {@code onnx} with the boolean initializers {@code switches} set as given: the way to turn on a
     * graph's optional branch (such as the inference graph's {@code explain}) for every run of the session, since the
     * Java API cannot feed an initializer at run time. The caller closes it.
     */
    public OrtSession create(byte[] onnx, java.util.Map<String, Boolean> switches) throws OrtException {
        try (OrtSession.SessionOptions options = options(effective)) {
            for (var s : switches.entrySet()) {
                options.addInitializer(s.getKey(), s.getValue() ? on : off);
            }
            Set<Long> before = requested.intraOpThreads() > 1 ? PoolThreads.namedLikeCaller() : null;
            OrtSession session = environment.createSession(onnx, options);
            if (before != null) {
                pool.addStartedSince(before);
            }
            return session;
        }
    }

    /**
     * The Linux thread ids of the native threads ORT started for the intra-op pools of this factory's sessions (none
     * with one intra-op thread, or off Linux): their CPU time is the sessions' owner's too, but no Java thread's.
     */
    public Set<Long> poolThreads() {
        return pool.ids();
    }

    private OrtSession.SessionOptions options(Device device) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            // Warnings are about graph optimisations the graphs forgo on purpose (the explain switch is a graph input,
            // so it is not folded away); errors still show.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            options.setIntraOpNumThreads(requested.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", requested.allowSpinning() ? "1" : "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            if (!requested.prepacking()) {
                options.addConfigEntry("session.disable_prepacking", "1");
            }
            if (device.isCuda()) {
                options.addCUDA(device.index());
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private Device probeCuda(Device device) {
        // getAvailableProviders() tells how the jar was built, not whether a GPU works: adding the provider does.
        try (OrtSession.SessionOptions probe = options(device)) {
            log.info("ONNX Runtime sessions run on {}", device);
            return device;
        } catch (OrtException | UnsatisfiedLinkError e) {
            log.warn("CUDA execution provider unavailable on {} ({}); running on the CPU instead", device, firstLine(e.getMessage()));
            return Device.CPU;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
