package ai.factory.ops.explain;

import java.util.List;
import java.util.Map;

import ai.factory.ops.models.ModelVersionView.TrainingRange;

/**
 * Everything the factory's topics say about one event: the event, its feature vectors, the predictions made for it
 * (with their explanations), the feedback and labeled examples that arrived, the lineage of each predicting release,
 * and how far the search looked. Lists are empty when nothing was found within {@link Search the search}.
 */
public record EventView(String eventId, EventFacts event, List<FeatureFacts> features, List<PredictionFacts> predictions,
                        List<FeedbackFacts> feedback, List<ExampleFacts> examples, List<ReleaseLineage> releases,
                        Search search) {

    /** Where a record sits and its Kafka timestamp (ms). */
    public record Where(String topic, int partition, long offset, long timestampMs) {
    }

    /** The event as produced; attribute values are null, booleans, longs, doubles or strings. */
    public record EventFacts(Where at, long eventTime, String entity, Map<String, Object> attributes) {
    }

    /** One feature vector prepared from the event. */
    public record FeatureFacts(Where at, String spec, int specVersion, List<Float> dense, List<Integer> sparse,
                               int sparseBuckets, boolean late, long preparedAt) {
    }

    /** One model's score for the event; {@code shadow} when a challenger made it; the explanation when the scorer gave one. */
    public record PredictionFacts(Where at, String model, long version, int specVersion, double score, long servedAt,
                                  boolean shadow, ExplanationFacts explanation) {
    }

    /** The score's output split into a baseline, the largest per-feature parts and the rest (see Prediction.avsc). */
    public record ExplanationFacts(String method, String units, double output, double baseline, List<Contribution> top,
                                   double rest) {
    }

    /** One feature's part of the output, in the explanation's units. */
    public record Contribution(String feature, double contribution) {
    }

    /** One feedback record about the event. */
    public record FeedbackFacts(Where at, double label, long feedbackTime, String source) {
    }

    /** The labeled example the feedback app wrote for the event; the served fields are null when no prediction joined. */
    public record ExampleFacts(Where at, double label, long labelTime, String labelSource, Double servedScore,
                               String model, Long version, Long joinedAt) {
    }

    /**
     * A release that predicted for the event, then its parent, grandparent ... as far as the models topic knows
     * them (at most {@link EventTrace#LINEAGE_DEPTH}). {@code steps} is empty when the release is not on the topic.
     */
    public record ReleaseLineage(String model, long version, List<ReleaseStep> steps) {
    }

    /**
     * One release as its latest record on the models topic says: the event-time range of the examples it trained on
     * since its parent ({@code trainedFromEventTime} null when none, or from a trainer that did not record it).
     */
    public record ReleaseStep(long version, Long parentVersion, String status, String statusBy, String statusReason,
                              long createdAt, long examplesTrained, Long trainedFromEventTime, long trainedThroughEventTime,
                              List<TrainingRange> trainingData) {
    }

    /**
     * How the search went: the windows of Kafka timestamps read, data records read out of the budget, whether every
     * window was read through, why not, and the topics that do not exist.
     */
    public record Search(List<Window> windows, long recordsRead, long budget, boolean complete, String stoppedBecause,
                         List<String> missingTopics) {
    }

    /**
     * Records of {@code topics} timestamped in [fromMs, toMs): on the data's clock (events, feedback and examples carry
     * their event or feedback time) or around when the pipeline made the event's features (features and predictions
     * carry the wall clock of the moment they were written). Reading starts at the first record stamped at or after
     * {@code fromMs - slackMs} and ends at the first stamped at or after {@code toMs + slackMs}, as a topic's
     * timestamps are out of order by up to about the slack (an example is stamped when its join closes).
     */
    public record Window(String clock, List<String> topics, long fromMs, long toMs, long slackMs) {
    }
}
