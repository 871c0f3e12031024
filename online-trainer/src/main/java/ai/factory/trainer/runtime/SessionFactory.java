package ai.factory.trainer.runtime;

import java.util.concurrent.atomic.AtomicBoolean;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions on the requested device. When the CUDA provider cannot be added (no GPU,
 * CPU-only build, missing CUDA libraries) the session runs on the CPU and one WARN line says why.
 */
public final class SessionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private SessionFactory() {
    }

    /** A session and the device it really runs on. */
    public record Opened(OrtSession session, Device device) implements AutoCloseable {
        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** Opens {@code model} with intra-op threads = {@code threads} (0 = available cores) and spinning off. */
    public static Opened open(byte[] model, Device requested, int threads) throws OrtException {
        OrtEnvironment env = OrtEnvironments.get();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
            // Spinning threads burn cores between runs; on a shared machine (Flink slots, Kafka) that starves the rest.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            // Graphs with weights as inputs are never prepacked; without prepacking for baked-in weights as well,
            // a published inference graph scores bit for bit like the training graph's forward pass.
            options.addConfigEntry("session.disable_prepacking", "1");
            Device effective = Device.CPU;
            if (requested.kind() == Device.Kind.CUDA) {
                effective = addCuda(options, requested);
            }
            return new Opened(env.createSession(model, options), effective);
        }
    }

    private static Device addCuda(OrtSession.SessionOptions options, Device requested) {
        try {
            options.addCUDA(requested.index());
            return requested;
        } catch (OrtException | UnsatisfiedLinkError e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("CUDA execution provider unavailable for device {} ({}); running on the CPU", requested, e.getMessage());
            } else {
                LOG.debug("CUDA execution provider unavailable for device {}; running on the CPU", requested);
            }
            return Device.CPU;
        }
    }
}
