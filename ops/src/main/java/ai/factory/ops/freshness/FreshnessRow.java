package ai.factory.ops.freshness;

/**
 * How fast one release turned feedback into predictions.
 *
 * @param newestFeedbackMs        label time of the newest example the release trained on (read from the examples
 *                                at the end of its training ranges), null when unknown
 * @param trainedThroughEventMs   latest event time among those examples, as the release states it
 * @param releasedAtMs            when the release was built
 * @param firstPredictionMs       when its first prediction was served, null while none was seen
 * @param feedbackToReleaseMs     releasedAt − newestFeedback, null when either is unknown
 * @param releaseToPredictionMs   firstPrediction − releasedAt
 * @param feedbackToPredictionMs  firstPrediction − newestFeedback: the full loop
 */
public record FreshnessRow(String model, long version, String status, Long newestFeedbackMs, long trainedThroughEventMs,
                           long releasedAtMs, Long firstPredictionMs, Long feedbackToReleaseMs,
                           Long releaseToPredictionMs, Long feedbackToPredictionMs) {
}
