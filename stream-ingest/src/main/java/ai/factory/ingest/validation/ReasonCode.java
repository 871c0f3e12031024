package ai.factory.ingest.validation;

/** Why a record went to the dead-letter topic; the machine-readable {@code reason_code} of {@code Rejected}. */
public enum ReasonCode {
    /** The bytes are not a readable record (bad header, unknown schema, corrupt body, empty). */
    UNDECODABLE,
    /** A required field or attribute is missing or null. */
    MISSING_FIELD,
    /** An attribute has another type than the spec declares. */
    WRONG_TYPE,
    /** A number is NaN or infinite, or a transform made it so. */
    NOT_FINITE,
    /**
     * The event or feedback time lies outside the accepted bounds: not after 1970-01-01, before the spec's earliest
     * time, or further ahead of the wall clock than its tolerance. Such a record never reaches the watermarks.
     */
    TIME_OUT_OF_BOUNDS,
    /**
     * The record, its attribute count, one of its strings (id, entity, attribute name or value) or a length its bytes
     * claim exceeds a limit.
     */
    TOO_LARGE,
    /** The record has no Kafka key; {@code events} and {@code feedback} are keyed by the event id. */
    MISSING_KEY,
    /** The Kafka key is not the record's event id: the record contradicts itself, and its partition may be wrong. */
    KEY_MISMATCH,
    /**
     * An event id already featurized within the de-duplication window (a redelivery): the first delivery's vector
     * stands, this one is dead-lettered so every input record is accounted for.
     */
    DUPLICATE
}
