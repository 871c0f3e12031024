package ai.factory.scoring.model;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param device          where sessions run
 * @param intraOpThreads  threads ORT may use inside one operator
 * @param allowSpinning   let idle ORT threads spin; off by default because spinning burns cores the
 *                        Kafka clients and other services on a shared machine need
 */
public record SessionSettings(Device device, int intraOpThreads, boolean allowSpinning) {

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, not " + intraOpThreads);
        }
    }

    /** CPU, half the cores (the rest is for the Kafka clients), no spinning. */
    public static SessionSettings defaults() {
        return new SessionSettings(Device.CPU, defaultThreads(), false);
    }

    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public SessionSettings withDevice(Device newDevice) {
        return new SessionSettings(newDevice, intraOpThreads, allowSpinning);
    }
}
