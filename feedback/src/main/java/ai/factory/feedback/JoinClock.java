package ai.factory.feedback;

import java.time.Duration;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join's clock on one task: how far all three paths into the join have come. The features path's time is the
 * newest event time of the task's feature vectors, the predictions path's the newest event time of its predictions,
 * the feedback path's the newest feedback time of its labels; the join clock is the oldest of the three, each
 * trailing path taken as no older than the features' time minus its maximum lag. Unknown before any features.
 *
 * <p>Windows close on this clock, not on the task's stream time nor on any one path. Kafka Streams interleaves its
 * inputs by timestamp only among records it has already fetched, and no path waits for another:
 * <ul>
 *   <li>labels may be written long before the features they belong to (a replay writes them directly while the
 *       ingest job holds events until its watermark passes them);</li>
 *   <li>a burst of features may be read a day ahead of labels that the task has not fetched yet (the consumer fetches
 *       nothing else while it hands out a burst, so the label partition looks caught up and {@code max.task.idle.ms}
 *       runs out);</li>
 *   <li>predictions trail the features they score by the scorer's latency (micro-batches, model loading, a pause
 *       while no champion exists), which in a replay at full speed is hours of event time. A clock that followed the
 *       features alone closed windows whose predictions were still in flight: with labels a minute after their events,
 *       four in ten examples of a bursty replay went out without the prediction that had been served;</li>
 *   <li>predictions may also be read ahead of the features they scored; the features path bounds the clock, so
 *       labels waiting for their features are not expired by a clock the predictions moved.</li>
 * </ul>
 * Only when every path has passed a window's end can none of its records still come in order.
 *
 * <p>The trailing paths are bounded so that state stays bounded when one of them stops or never starts: the
 * predictions path may trail the features by at most {@code maxPredictionLag} (a model nobody scores still gets
 * its examples, without a prediction, that much later), the feedback path by at most {@code maxFeedbackLag} (labels
 * that come after all are late).
 *
 * <p>The times live in a state store, so they move inside the task's transactions and survive restarts and task
 * moves. Format: one epoch-ms {@code Long} per path under {@link #FEATURES}, {@link #PREDICTIONS}, {@link #FEEDBACK};
 * a store written before the predictions path existed holds {@link #SERVED_V1} (the newest event time of features
 * and predictions together), which is read as the features' time until the first new feature vector replaces it.
 */
final class JoinClock {

    static final String STORE = "feedback-join-clock";
    static final long UNKNOWN = Long.MIN_VALUE;

    static final String FEATURES = "features";
    static final String PREDICTIONS = "predictions";
    static final String FEEDBACK = "feedback";
    /** Key of the first format: features and predictions as one served path. */
    static final String SERVED_V1 = "served";

    private final KeyValueStore<String, Long> store;
    private final long maxFeedbackLag;
    private final long maxPredictionLag;
    private long features = UNKNOWN;
    private long predictions = UNKNOWN;
    private long feedback = UNKNOWN;
    private boolean migrating;
    private boolean loaded;

    JoinClock(KeyValueStore<String, Long> store, Duration maxFeedbackLag, Duration maxPredictionLag) {
        this.store = store;
        this.maxFeedbackLag = maxFeedbackLag.toMillis();
        this.maxPredictionLag = maxPredictionLag.toMillis();
    }

    /** The join clock (epoch ms): the oldest of the three paths' bounded times; {@link #UNKNOWN} before any features. */
    long now() {
        load();
        if (features == UNKNOWN) {
            return UNKNOWN;
        }
        // Event times are far above Long.MIN_VALUE + a lag.
        return Math.min(features, Math.min(
                bounded(predictions, features - maxPredictionLag),
                bounded(feedback, features - maxFeedbackLag)));
    }

    /** A trailing path's time, never older than its floor (an unknown path stands at its floor). */
    private static long bounded(long time, long floor) {
        return time == UNKNOWN ? floor : Math.max(time, floor);
    }

    boolean isKnown() {
        return now() != UNKNOWN;
    }

    /** True when {@code time} has passed: the join clock is strictly after it. */
    boolean hasPassed(long time) {
        return isKnown() && now() > time;
    }

    /** The features path's time: the newest event time of its feature vectors, {@link #UNKNOWN} before any. */
    long featuresTime() {
        load();
        return features;
    }

    /** The predictions path's time, {@link #UNKNOWN} before any prediction. */
    long predictionsTime() {
        load();
        return predictions;
    }

    /** The feedback path's time: the newest feedback time of its labels, {@link #UNKNOWN} before any. */
    long feedbackTime() {
        load();
        return feedback;
    }

    /** The features path reached {@code eventTime}; returns whether the join clock moved. */
    boolean featuresAt(long eventTime) {
        load();
        if (eventTime <= features) {
            return false;
        }
        long before = now();
        features = eventTime;
        store.put(FEATURES, eventTime);
        if (migrating) {
            store.delete(SERVED_V1);
            migrating = false;
        }
        return now() != before;
    }

    /** The predictions path reached {@code eventTime}; returns whether the join clock moved. */
    boolean predictionsAt(long eventTime) {
        load();
        if (eventTime <= predictions) {
            return false;
        }
        long before = now();
        predictions = eventTime;
        store.put(PREDICTIONS, eventTime);
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
            features = read(FEATURES);
            if (features == UNKNOWN) {
                features = read(SERVED_V1);
                migrating = features != UNKNOWN;
            }
            predictions = read(PREDICTIONS);
            feedback = read(FEEDBACK);
            loaded = true;
        }
    }

    private long read(String key) {
        Long stored = store.get(key);
        return stored == null ? UNKNOWN : stored;
    }
}
