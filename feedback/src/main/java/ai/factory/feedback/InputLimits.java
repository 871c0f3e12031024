package ai.factory.feedback;

/**
 * How large a label the app reads: a {@code Feedback} value over {@link #MAX_LABEL_BYTES} is dead-lettered as
 * {@link RejectReason#TOO_LARGE} before it is decoded, so a hostile one never reaches the join state (where a label
 * waits for its event for up to a window). A label is an event id, a number, a time and a short source: ingest accepts
 * ids of at most its spec's {@code max_string_length} (1,024 characters by default), so 16 KiB leaves room for any
 * label that could ever join. Features and predictions come from the factory's own stages and are not bounded here.
 */
final class InputLimits {

    /** The largest label value accepted, in bytes. */
    static final int MAX_LABEL_BYTES = 16 * 1024;

    /** No bound: for inputs the factory's own stages write. */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    private InputLimits() {
    }

    /** Why a value of {@code bytes} bytes is refused when at most {@code maxBytes} are accepted, or null. */
    static Violation check(int bytes, int maxBytes) {
        if (bytes > maxBytes) {
            return new Violation(RejectReason.TOO_LARGE, "value has " + bytes + " bytes, the limit is " + maxBytes);
        }
        return null;
    }
}
