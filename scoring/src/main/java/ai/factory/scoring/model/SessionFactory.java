package ai.factory.scoring.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ONNX Runtime sessions with the configured device and threads. A CUDA device that cannot be used
 * (CPU-only build, no driver, no GPU) is detected once, reported with one warning, and replaced by the CPU.
 */
public final class SessionFactory {

    private static final Logger log = LoggerFactory.getLogger(SessionFactory.class);

    private final OrtEnvironment environment;
    private final SessionSettings requested;
    private final Device effective;

    public SessionFactory(SessionSettings settings) {
        this.environment = OrtNatives.environment();
        this.requested = settings;
        this.effective = settings.device().cuda() ? probeCuda(settings.device()) : Device.CPU;
    }

    public OrtEnvironment environment() {
        return environment;
    }

    /** The device sessions actually run on. */
    public Device device() {
        return effective;
    }

    public SessionSettings settings() {
        return requested;
    }

    /** A new session of {@code onnx}; the caller closes it. */
    public OrtSession create(byte[] onnx) throws OrtException {
        try (OrtSession.SessionOptions options = options(effective)) {
            return environment.createSession(onnx, options);
        }
    }

    private OrtSession.SessionOptions options(Device device) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(requested.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", requested.allowSpinning() ? "1" : "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            if (device.cuda()) {
                options.addCUDA(device.deviceId());
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
        } catch (OrtException e) {
            log.warn("CUDA execution provider unavailable on {} ({}); scoring on the CPU instead", device, firstLine(e.getMessage()));
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
