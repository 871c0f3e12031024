package ai.factory.replay;

import java.time.Duration;
import java.time.Instant;

/**
 * Fails on the first row whose event time is earlier, by more than a tolerance, than the latest event time before it;
 * comparing with the latest rather than the previous row so that small steps back cannot add up unnoticed.
 */
final class DisorderCheck {

    private final Duration tolerance;
    private Instant latest;
    private long latestLine;

    DisorderCheck(Duration tolerance) {
        this.tolerance = tolerance;
    }

    /** Takes the next row's time; throws {@link Replay.NotSortedException} when it is too far back. */
    void see(long lineNumber, Instant time) {
        if (latest == null || time.isAfter(latest)) {
            latest = time;
            latestLine = lineNumber;
        } else if (Duration.between(time, latest).compareTo(tolerance) > 0) {
            throw new Replay.NotSortedException("line " + lineNumber + ": event time " + time + " is "
                    + Duration.between(time, latest) + " earlier than " + latest + " on line " + latestLine
                    + " (allowed: " + tolerance + "); the file is not sorted by event time: use --sort"
                    + " (or --max-disorder to allow that much)");
        }
    }
}
