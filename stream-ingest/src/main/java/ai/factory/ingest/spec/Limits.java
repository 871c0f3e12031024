package ai.factory.ingest.spec;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * Bounds an event must respect to be featurized.
 *
 * @param maxRecordBytes       largest accepted record value, in bytes
 * @param maxAttributes        most attributes one event may carry
 * @param maxStringLength      longest accepted id or string attribute
 * @param earliestEventTime    events before this instant are rejected (and always those not after 1970-01-01: an unset
 *                             time)
 * @param maxAheadOfWallClock  events further than this ahead of the wall clock are rejected
 */
public record Limits(int maxRecordBytes, int maxAttributes, int maxStringLength, Instant earliestEventTime,
                     Duration maxAheadOfWallClock) implements Serializable {

    /** Limits that suit most event streams. */
    public static Limits defaults() {
        return new Limits(64 * 1024, 256, 1024, Instant.EPOCH, Duration.ofDays(1));
    }

    /** These limits with another tolerance ahead of the wall clock. */
    public Limits withMaxAheadOfWallClock(Duration tolerance) {
        return new Limits(maxRecordBytes, maxAttributes, maxStringLength, earliestEventTime, tolerance);
    }
}
