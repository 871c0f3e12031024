package ai.factory.onnx;

import java.io.Serializable;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param device         where sessions run (CUDA falls back to the CPU when its provider cannot load)
 * @param intraOpThreads threads ORT may use inside one operator; 0 means all available cores
 * @param allowSpinning  let idle ORT threads spin; off by default because spinning burns cores that Kafka
 *                       clients, Flink and other services on a shared machine need
 * @param prepacking     let ORT pre-pack constant weights; off when a graph with baked-in weights must score
 *                       bit for bit like the same graph fed its weights as inputs (those are never pre-packed)
 */
public record SessionSettings(Device device, int intraOpThreads, boolean allowSpinning, boolean prepacking)
        implements Serializable {

    public SessionSettings {
        if (device == null) {
            throw new IllegalArgumentException("device is required");
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be at least 0 (= all cores), not " + intraOpThreads);
        }
        if (intraOpThreads == 0) {
            intraOpThreads = Runtime.getRuntime().availableProcessors();
        }
    }

    /** Settings with pre-packing on. */
    public SessionSettings(Device device, int intraOpThreads, boolean allowSpinning) {
        this(device, intraOpThreads, allowSpinning, true);
    }

    public SessionSettings withDevice(Device newDevice) {
        return new SessionSettings(newDevice, intraOpThreads, allowSpinning, prepacking);
    }

    public SessionSettings withoutPrepacking() {
        return new SessionSettings(device, intraOpThreads, allowSpinning, false);
    }
}
