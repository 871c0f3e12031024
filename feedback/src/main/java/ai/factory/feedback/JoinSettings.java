package ai.factory.feedback;

import java.time.Duration;

import ai.factory.feedback.policy.FeedbackPolicies;

/**
 * How the join waits for labels.
 *
 * @param window        feedback counts when its time is at most this long after the event time; feedback still
 *                      waiting for its features expires once the join clock passes its time + window + grace
 * @param grace         how much further the join clock (the older of the newest served event time and the newest
 *                      feedback time) must pass the window end before the window closes: the allowance for input
 *                      out of order within a path (labels later than newer labels by up to grace still count)
 * @param lateRetention how long a closed event is remembered, so feedback arriving later is recognized as late
 *                      and attributed to the model version that served it
 * @param policies      feedback policy per model
 * @param maxFeedbackLag how far the feedback path may trail the served path before the join stops waiting for it: the
 *                      join clock is never older than the served time minus this, so a task whose labels stopped (or
 *                      never came) still closes its windows and keeps bounded state; labels that come later than that
 *                      go to {@code feedback.late}
 */
public record JoinSettings(Duration window, Duration grace, Duration lateRetention, FeedbackPolicies policies,
                           Duration maxFeedbackLag) {

    /** Default bound on how far labels may trail the served records: a week. */
    public static final Duration DEFAULT_MAX_FEEDBACK_LAG = Duration.ofDays(7);

    /** With the default {@link #DEFAULT_MAX_FEEDBACK_LAG}. */
    public JoinSettings(Duration window, Duration grace, Duration lateRetention, FeedbackPolicies policies) {
        this(window, grace, lateRetention, policies, DEFAULT_MAX_FEEDBACK_LAG);
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
    }
}
