package ai.factory.ingest.job;

/**
 * A label on its way to the stages that aggregate it. Before attribution {@code stage} is
 * {@link #UNATTRIBUTED} and {@code key} is the event id; the de-duplication step, which remembers each
 * event's key attributes, re-addresses it to a stage and that stage's key value (e.g. the origin).
 */
public record FeedbackFact(int stage, String key, double label, long feedbackTime) {

    public static final int UNATTRIBUTED = -1;

    public FeedbackFact attributedTo(int stageIndex, String keyValue) {
        return new FeedbackFact(stageIndex, keyValue, label, feedbackTime);
    }
}
