package ai.factory.ops.explain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far {@link EventTrace} looks for an event.
 *
 * @param window     after the event, how much later (by Kafka timestamp) its features, predictions, feedback and example
 *                   may have been written (the data-clock topics are read a window further either side, as examples
 *                   are stamped out of order); before it, also this much when the event is searched {@code around} a time
 * @param maxRecords the most data records read in all, finding the event included
 * @param around     where to look for the event: records timestamped within {@code window} of this time; null for the
 *                   newest records of the events topic first, going back
 * @param timeout    the longest the whole search may take
 */
public record TraceOptions(Duration window, long maxRecords, Instant around, Duration timeout) {

    /** Written as the command line writes it, so {@code factory explain --help} shows this very default. */
    public static final String DEFAULT_WINDOW_TEXT = "6h";
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(6);
    public static final long DEFAULT_MAX_RECORDS = 2_000_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    public TraceOptions {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(timeout, "timeout");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be positive: " + window);
        }
        if (maxRecords < 1) {
            throw new IllegalArgumentException("the record budget must be at least 1: " + maxRecords);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive: " + timeout);
        }
    }

    /** A 6 h window, 2 million records, 2 minutes, the newest events first. */
    public static TraceOptions defaults() {
        return new TraceOptions(DEFAULT_WINDOW, DEFAULT_MAX_RECORDS, null, DEFAULT_TIMEOUT);
    }

    public TraceOptions withAround(Instant time) {
        return new TraceOptions(window, maxRecords, time, timeout);
    }

    public TraceOptions withBudget(long records, Duration limit) {
        return new TraceOptions(window, records, around, limit);
    }

    public TraceOptions withWindow(Duration newWindow) {
        return new TraceOptions(newWindow, maxRecords, around, timeout);
    }
}
