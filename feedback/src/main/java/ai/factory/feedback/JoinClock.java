package ai.factory.feedback;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join's clock on one task: how far both paths into the join have come. The served path's time is the newest
 * event time of the task's features and predictions, the feedback path's the newest feedback time of its labels;
 * the join clock is the older of the two (see below for a feedback path that trails too far), unknown before any
 * served record.
 *
 * <p>Windows close on this clock, not on the task's stream time nor on either path alone. Kafka Streams
 * interleaves its inputs by timestamp only among records it has already fetched, and neither path waits for the
 * other: labels may be written long before the features they belong to, and a burst of features may be read a
 * day ahead of labels that the task has not fetched yet (the consumer fetches nothing else while it hands out a
 * burst, so the label partition looks caught up and {@code max.task.idle.ms} runs out). Only when both paths
 * have passed a window's end can neither its served records nor its labels still come in order.
 *
 * <p>The feedback path may trail the served path by at most {@code maxFeedbackLag}: beyond that the clock follows
 * the served path minus the lag, so a task whose labels stopped or never came still closes its windows (its
 * labels, if they come after all, are late). The clock is then known from the first served record.
 *
 * <p>Both times live in a state store, so they move inside the task's transactions and survive restarts and task
 * moves.
 */
final class JoinClock {

    static final String STORE = "feedback-join-clock";
    static final long UNKNOWN = Long.MIN_VALUE;

    private static final String SERVED = "served";
    private static final String FEEDBACK = "feedback";

    private final KeyValueStore<String, Long> store;
    private final long maxFeedbackLag;
    private long served = UNKNOWN;
    private long feedback = UNKNOWN;
    private boolean loaded;

    JoinClock(KeyValueStore<String, Long> store, java.time.Duration maxFeedbackLag) {
        this.store = store;
        this.maxFeedbackLag = maxFeedbackLag.toMillis();
    }

    /**
     * The older of the two paths' times (epoch ms), the feedback path's taken as no older than the served time minus
     * the maximum feedback lag; {@link #UNKNOWN} before any served record.
     */
    long now() {
        load();
        if (served == UNKNOWN) {
            return UNKNOWN;
        }
        long feedbackFloor = served - maxFeedbackLag; // event times are far above Long.MIN_VALUE + a lag
        return Math.min(served, feedback == UNKNOWN ? feedbackFloor : Math.max(feedback, feedbackFloor));
    }

    boolean isKnown() {
        return now() != UNKNOWN;
    }

    /** True when {@code time} has passed: the join clock is strictly after it. */
    boolean hasPassed(long time) {
        return isKnown() && now() > time;
    }

    /** The served path reached {@code eventTime}; returns whether the join clock moved. */
    boolean servedAt(long eventTime) {
        load();
        if (eventTime <= served) {
            return false;
        }
        long before = now();
        served = eventTime;
        store.put(SERVED, eventTime);
        return now() != before;
    }

    /** The feedback path reached {@code feedbackTime}; returns whether the join clock moved. */
    boolean feedbackAt(long feedbackTime) {
        load();
        if (feedbackTime <= feedback) {
            return false;
        }
        long before = now();
        feedback = feedbackTime;
        store.put(FEEDBACK, feedbackTime);
        return now() != before;
    }

    private void load() {
        if (!loaded) {
            // Read on first use: by then the store is restored from its changelog.
            served = read(SERVED);
            feedback = read(FEEDBACK);
            loaded = true;
        }
    }

    private long read(String key) {
        Long stored = store.get(key);
        return stored == null ? UNKNOWN : stored;
    }
}
