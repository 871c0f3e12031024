package ai.factory.feedback;

import java.time.Duration;
import java.util.Objects;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.options.DurationConverter;

/**
 * How the join waits for labels and predictions.
 *
 * @param window           feedback counts when its time is at most this long after the event time; feedback still
 *                         waiting for its features expires once the join clock passes its time + window + grace
 * @param grace            how much further the join clock (the oldest of the features', predictions' and labels'
 *                         paths, see {@link JoinClock}) must pass the window end before the window closes: the
 *                         allowance for input out of order within a path (labels later than newer labels by up to
 *                         grace still count)
 * @param lateRetention    how long a closed event is remembered, so feedback arriving later is recognized as late
 *                         and attributed to the model version that served it
 * @param policies         feedback policy per model
 * @param maxFeedbackLag   how far the feedback path may trail the features before the join stops waiting for it: the
 *                         join clock is never older than the features' time minus this, so a task whose labels stopped
 *                         (or never came) still closes its windows and keeps bounded state; labels that come later
 *                         than that go to {@code feedback.late}
 * @param maxPredictionLag how far the predictions path may trail the features before the join stops waiting for it
 *                         (the scorer's lag in event time: batches, model loading, a pause while no champion exists);
 *                         windows close without their prediction only once the features are this far past them, so a
 *                         model without a scorer still gets its examples and the state stays bounded. Zero: the join
 *                         does not wait for predictions at all (windows close on features and labels alone)
 * @param timeBounds       which record times the join believes; records with other times are dead-lettered before
 *                         they move any clock
 */
public record JoinSettings(Duration window, Duration grace, Duration lateRetention, FeedbackPolicies policies,
                           Duration maxFeedbackLag, Duration maxPredictionLag, TimeBounds timeBounds) {

    /** Default bound on how far labels may trail the features: a week. */
    public static final String DEFAULT_MAX_FEEDBACK_LAG_TEXT = "7d";
    public static final Duration DEFAULT_MAX_FEEDBACK_LAG = DurationConverter.parse(DEFAULT_MAX_FEEDBACK_LAG_TEXT);

    /**
     * Default bound on how far predictions may trail the features: a day. Live, a scorer a day behind is an outage;
     * in a replay at full speed a few seconds of model loading can be hours of event time.
     */
    public static final String DEFAULT_MAX_PREDICTION_LAG_TEXT = "1d";
    public static final Duration DEFAULT_MAX_PREDICTION_LAG = DurationConverter.parse(DEFAULT_MAX_PREDICTION_LAG_TEXT);

    /** With the default {@link #DEFAULT_MAX_FEEDBACK_LAG} and {@link #DEFAULT_MAX_PREDICTION_LAG}. */
    public JoinSettings(Duration window, Duration grace, Duration lateRetention, FeedbackPolicies policies) {
        this(window, grace, lateRetention, policies, DEFAULT_MAX_FEEDBACK_LAG);
    }

    /** With the default {@link #DEFAULT_MAX_PREDICTION_LAG}. */
    public JoinSettings(Duration window, Duration grace, Duration lateRetention, FeedbackPolicies policies,
                        Duration maxFeedbackLag) {
        this(window, grace, lateRetention, policies, maxFeedbackLag, DEFAULT_MAX_PREDICTION_LAG);
    }

    /** With the default {@link TimeBounds#defaults()}. */
    public JoinSettings(Duration window, Duration grace, Duration lateRetention, FeedbackPolicies policies,
                        Duration maxFeedbackLag, Duration maxPredictionLag) {
        this(window, grace, lateRetention, policies, maxFeedbackLag, maxPredictionLag, TimeBounds.defaults());
    }

    public JoinSettings {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        if (grace.isNegative() || lateRetention.isNegative()) {
            throw new IllegalArgumentException("grace and late retention must not be negative");
        }
        if (maxFeedbackLag.isNegative() || maxFeedbackLag.isZero()) {
            throw new IllegalArgumentException("max feedback lag must be positive");
        }
        if (maxPredictionLag.isNegative()) {
            throw new IllegalArgumentException("max prediction lag must not be negative");
        }
        Objects.requireNonNull(timeBounds, "timeBounds");
    }

    /** These settings with another bound on how far predictions may trail the features. */
    public JoinSettings withMaxPredictionLag(Duration lag) {
        return new JoinSettings(window, grace, lateRetention, policies, maxFeedbackLag, lag, timeBounds);
    }

    /** These settings with other bounds on the record times the join believes. */
    public JoinSettings withTimeBounds(TimeBounds bounds) {
        return new JoinSettings(window, grace, lateRetention, policies, maxFeedbackLag, maxPredictionLag, bounds);
    }
}
