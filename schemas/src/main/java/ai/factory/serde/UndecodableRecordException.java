package ai.factory.serde;

/**
 * Bytes that could not be turned into a record, with where they came from and why.
 * Jobs catch it to dead-letter the record instead of failing.
 */
public final class UndecodableRecordException extends RuntimeException {

    /** Why decoding failed. */
    public enum Reason {
        /** Not Avro single-object encoding (wrong or missing header). */
        BAD_HEADER,
        /** The writer's schema fingerprint is in no registry this reader can see. */
        UNKNOWN_SCHEMA,
        /** The header was fine but the body did not match the writer schema. */
        CORRUPT_BODY,
        /** A length or item count above {@link AvroLimits}: refused before anything was allocated for it. */
        TOO_LARGE,
        /** The writer schema cannot be resolved into the reader schema. */
        INCOMPATIBLE_SCHEMA,
        /** A null or empty value where a record was expected. */
        EMPTY
    }

    private final String topic;
    private final int partition;
    private final long offset;
    private final Reason reason;

    public UndecodableRecordException(RecordSource source, Reason reason, String detail, Throwable cause) {
        super("cannot decode record at " + source + ": " + reason + (detail == null ? "" : " (" + detail + ")"), cause);
        this.topic = source.topic();
        this.partition = source.partition();
        this.offset = source.offset();
        this.reason = reason;
    }

    public String topic() {
        return topic;
    }

    /** Partition, or -1 where the caller did not know it (a plain Kafka deserializer). */
    public int partition() {
        return partition;
    }

    /** Offset, or -1 where the caller did not know it. */
    public long offset() {
        return offset;
    }

    public Reason reason() {
        return reason;
    }
}
