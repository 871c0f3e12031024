package ai.factory.trainer.runtime;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;

/**
 * The session factory every trainer session comes from: the requested device (CUDA falls back to the CPU with one
 * warning), intra-op threads, spinning off, and pre-packing off, so a published inference graph (weights baked in)
 * scores bit for bit like the training graph's forward pass (weights fed as inputs, which ORT never pre-packs).
 */
public final class TrainerSessions {

    private TrainerSessions() {
    }

    /** A factory for {@code device} with {@code threads} intra-op threads (0 = all cores). */
    public static SessionFactory open(Device device, int threads) {
        return new SessionFactory(new SessionSettings(device, threads, false).withoutPrepacking());
    }
}
