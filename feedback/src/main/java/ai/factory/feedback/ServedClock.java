package ai.factory.feedback;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join's clock: the newest event time seen on the served inputs (features, predictions) of one task.
 *
 * <p>Windows close on this clock rather than on the task's stream time, which the feedback input can drive far
 * ahead of what has been served (labels written faster than events are featurized). It lives in a state store,
 * so it moves inside the task's transactions and survives restarts and task moves.
 */
final class ServedClock {

    static final String STORE = "feedback-join-clock";
    static final long UNKNOWN = Long.MIN_VALUE;

    private static final String KEY = "served";

    private final KeyValueStore<String, Long> store;
    private long now = UNKNOWN;
    private boolean loaded;

    ServedClock(KeyValueStore<String, Long> store) {
        this.store = store;
    }

    /** The newest served event time of the task (epoch ms), or {@link #UNKNOWN} before anything was served. */
    long now() {
        if (!loaded) {
            // Read on first use: by then the store is restored from its changelog.
            Long stored = store.get(KEY);
            now = stored == null ? UNKNOWN : stored;
            loaded = true;
        }
        return now;
    }

    boolean isKnown() {
        return now() != UNKNOWN;
    }

    /** True when {@code time} has passed: the clock is strictly after it. */
    boolean hasPassed(long time) {
        return now() > time;
    }

    /** Moves the clock to {@code eventTime} if that is newer; returns whether it moved. */
    boolean advanceTo(long eventTime) {
        if (eventTime <= now()) {
            return false;
        }
        now = eventTime;
        store.put(KEY, eventTime);
        return true;
    }
}
