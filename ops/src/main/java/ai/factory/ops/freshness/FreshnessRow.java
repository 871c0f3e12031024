package ai.factory.ops.freshness;

/**
 * How fast one release turned feedback into predictions. Durations are wall clock only; the data's own clock (event
 * and label times, years ago in a replay) is kept apart, in the fields named for it.
 *
 * @param newestFeedbackMs         wall clock: when the newest label the release trained on was joined into an example
 *                                 (its {@code joined_at}), null when unknown (examples written before that field)
 * @param newestFeedbackDataTimeMs data time: that label's own time, null when unknown
 * @param trainedThroughEventMs    data time: the latest event time among its examples, as the release states it
 * @param releasedAtMs             wall clock: when the release was built
 * @param firstPredictionMs        wall clock: when its first prediction was served, null while none was seen
 * @param firstPredictionEventMs   data time: the event time of that first prediction
 * @param feedbackToReleaseMs      releasedAt − newestFeedback (wall clock), null when either is unknown
 * @param releaseToPredictionMs    firstPrediction − releasedAt (wall clock)
 * @param feedbackToPredictionMs   firstPrediction − newestFeedback (wall clock): the full loop
 * @param dataTimeLagMs            data time: firstPredictionEvent − trainedThroughEvent, how far the stream's events
 *                                 were past the newest one the release learned from when it first served
 */
public record FreshnessRow(String model, long version, String status, Long newestFeedbackMs, Long newestFeedbackDataTimeMs,
                           long trainedThroughEventMs, long releasedAtMs, Long firstPredictionMs,
                           Long firstPredictionEventMs, Long feedbackToReleaseMs, Long releaseToPredictionMs,
                           Long feedbackToPredictionMs, Long dataTimeLagMs) {
}
