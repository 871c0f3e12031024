package ai.factory.ingest.job;

import java.util.Locale;

/**
 * When the keyed stages fill an event's stateful features (windows, feedback aggregates, standardization).
 * Either way the served vector is the one training later sees (examples carry it), so the two differ in
 * determinism and latency, not in training/serving skew.
 */
public enum FeatureTiming {

    /**
     * On arrival, against the state as it is then: latency is processing time only. The values depend on the
     * order events reach a stage (a replay may give other values than the live run; ties no longer share a state).
     */
    ARRIVAL,

    /**
     * Once the watermark passes the event, in event-time order: the same values at any parallelism and arrival
     * order, for replays and backfills; an event waits about the max out-of-orderness.
     */
    EVENT_TIME;

    /** Reads {@code arrival} or {@code event-time} (any case; {@code _} for {@code -} too). */
    public static FeatureTiming parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (FeatureTiming timing : values()) {
            if (timing.name().equals(name)) {
                return timing;
            }
        }
        throw new IllegalArgumentException("feature timing must be arrival or event-time, was '" + text + "'");
    }

    /** The spelling {@link #parse} reads and help texts show. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
