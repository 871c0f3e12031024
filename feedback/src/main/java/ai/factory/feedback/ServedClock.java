package ai.factory.feedback;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join's served clock on one task: the newest event time of the task's features and predictions. Windows close
 * on it, not on the task's stream time, so feedback that runs ahead of the features cannot close their windows. It
 * lives in a state store, so it moves inside the task's transactions and survives restarts and task moves.
 */
final class ServedClock {

    static final String STORE = "feedback-join-clock";
    static final long UNKNOWN = Long.MIN_VALUE;

    private static final String SERVED = "served";

    private final KeyValueStore<String, Long> store;
    private long served = UNKNOWN;
    private boolean loaded;

    ServedClock(KeyValueStore<String, Long> store) {
        this.store = store;
    }

    /** The newest served event time (epoch ms), or {@link #UNKNOWN} before the first served record. */
    long now() {
        load();
        return served;
    }

    boolean isKnown() {
        return now() != UNKNOWN;
    }

    /** True when {@code time} has passed: the clock is strictly after it. */
    boolean hasPassed(long time) {
        return isKnown() && now() > time;
    }

    /** A served record of {@code eventTime} arrived; returns whether the clock moved. */
    boolean advanceTo(long eventTime) {
        load();
        if (eventTime <= served) {
            return false;
        }
        served = eventTime;
        store.put(SERVED, eventTime);
        return true;
    }

    private void load() {
        if (!loaded) {
            // Read on first use: by then the store is restored from its changelog.
            Long stored = store.get(SERVED);
            served = stored == null ? UNKNOWN : stored;
            loaded = true;
        }
    }
}
