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
    /** The event time lies outside the accepted bounds. */
    TIME_OUT_OF_BOUNDS,
    /** The record, its attribute count or one of its strings exceeds a limit. */
    TOO_LARGE
}
