package ai.factory.feedback;

/**
 * Why the join sent a record to the dead-letter topic: the {@code reason_code} of its {@code Rejected}, and the
 * {@code reason} tag of the {@code factory.feedback.dead_letters} counter, so dead letters can be counted by kind.
 * Records that do not decode carry their decoder's reason instead (BAD_HEADER, UNKNOWN_SCHEMA, ...; see
 * {@link Undecodable}).
 */
public final class RejectReason {

    /** A null value where a record was expected. */
    public static final String EMPTY = "EMPTY";
    /** The record has no key, or an empty one (the event id). */
    public static final String MISSING_KEY = "MISSING_KEY";
    /** The key differs from the record's event id. */
    public static final String KEY_MISMATCH = "KEY_MISMATCH";
    /** A prediction's score or a label is NaN or infinite. */
    public static final String NOT_FINITE = "NOT_FINITE";
    /** A value of another type than the input topic carries. */
    public static final String UNEXPECTED_TYPE = "UNEXPECTED_TYPE";
    /**
     * The record's time (event time of what was served, feedback time of a label) is absurd: further ahead of the wall
     * clock than the tolerance, or not after 1970-01-01 (an unset time). The code ingest uses for the same rule.
     */
    public static final String TIME_OUT_OF_BOUNDS = "TIME_OUT_OF_BOUNDS";
    /** The record's time lies further ahead of its own path's time (see {@link JoinClock}) than the jump bound. */
    public static final String TIME_JUMP = "TIME_JUMP";
    /** A label's time lies further before its event's time than the tolerance. */
    public static final String LABEL_BEFORE_EVENT = "LABEL_BEFORE_EVENT";
    /**
     * A label value over {@link InputLimits#MAX_LABEL_BYTES}, refused before decoding; also the decoder's reason for a
     * length or count over Avro's limits (a length bomb).
     */
    public static final String TOO_LARGE = "TOO_LARGE";
    /** A binary model's label is neither 0 nor 1. */
    public static final String LABEL_OUT_OF_RANGE = "LABEL_OUT_OF_RANGE";

    private RejectReason() {
    }
}
