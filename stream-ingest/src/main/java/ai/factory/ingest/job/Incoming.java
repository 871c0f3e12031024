package ai.factory.ingest.job;

/** One record read from Kafka: accepted (an input for the keyed steps) or rejected; exactly one is non-null. */
public record Incoming(StageInput accepted, Rejection rejection) {

    public static Incoming accept(StageInput input) {
        return new Incoming(input, null);
    }

    public static Incoming reject(Rejection rejection) {
        return new Incoming(null, rejection);
    }

    /** The event time that drives watermarks; rejections do not move them. */
    public long timestamp() {
        return accepted != null ? accepted.time() : Long.MIN_VALUE;
    }
}
