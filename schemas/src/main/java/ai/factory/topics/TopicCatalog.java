package ai.factory.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.PairedQuality;
import ai.factory.records.Prediction;
import ai.factory.records.QualityReport;
import ai.factory.records.Rejected;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Every topic of a factory with its partitions, configs and record type. */
public final class TopicCatalog {

    /** Partitions of the data topics unless told otherwise: room for a few parallel consumers. */
    public static final int DEFAULT_PARTITIONS = 3;

    /** Model releases carry ONNX bytes: allow 64 MiB per record on the models topic. */
    public static final int MODELS_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    /**
     * What a producer of model releases needs to send one of up to {@link #MODELS_MAX_MESSAGE_BYTES}: the request size,
     * and a buffer as large (the client refuses outright a record larger than its buffer, 32 MiB by default).
     */
    public static final Map<String, Object> MODELS_PRODUCER_LIMITS = Map.of(
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MODELS_MAX_MESSAGE_BYTES,
            ProducerConfig.BUFFER_MEMORY_CONFIG, (long) MODELS_MAX_MESSAGE_BYTES);

    /** Data topics keep a week by default; dead letters, late feedback and quality reports a month. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private TopicCatalog() {
    }

    /** The catalog of {@code topics} with {@code partitions} partitions per data topic and the default retention. */
    public static List<TopicSpec> of(Topics topics, int partitions) {
        return of(topics, partitions, DEFAULT_RETENTION);
    }

    /**
     * The catalog with {@code retention} for data topics (four times as long for dead letters, late feedback and
     * quality), or unlimited retention when it is null. Kafka deletes by record timestamp: a replay of historic data
     * (record time = event time) needs unlimited retention, or its records are deleted within minutes.
     */
    public static List<TopicSpec> of(Topics topics, int partitions, Duration retention) {
        short rf = -1;
        Map<String, String> week = Map.of("retention.ms", retention == null ? "-1" : String.valueOf(retention.toMillis()));
        Map<String, String> month = Map.of("retention.ms", retention == null ? "-1" : String.valueOf(retention.multipliedBy(4).toMillis()));
        return List.of(
                new TopicSpec(topics.events(), partitions, rf, week, Event.class, "raw events from producers"),
                new TopicSpec(topics.eventsDlq(), partitions, rf, month, Rejected.class, "events that could not be read or failed validation"),
                new TopicSpec(topics.features(), partitions, rf, week, FeatureVector.class, "feature vectors prepared from events"),
                new TopicSpec(topics.predictions(), partitions, rf, week, Prediction.class, "scores of the champion models"),
                new TopicSpec(topics.predictionsShadow(), partitions, rf, week, Prediction.class, "scores of challenger models (shadow)"),
                new TopicSpec(topics.feedback(), partitions, rf, week, Feedback.class, "labels observed after the fact"),
                new TopicSpec(topics.feedbackLate(), partitions, rf, month, Feedback.class, "feedback that arrived after its join window"),
                new TopicSpec(topics.feedbackDlq(), partitions, rf, month, Rejected.class, "feedback-side records that could not be read or joined"),
                new TopicSpec(topics.examples(), partitions, rf, week, LabeledExample.class, "served features joined with their labels"),
                new TopicSpec(topics.models(), 1, rf,
                        Map.of("cleanup.policy", "compact", "retention.ms", "-1",
                                "max.message.bytes", String.valueOf(MODELS_MAX_MESSAGE_BYTES)),
                        ModelRelease.class, "model releases with their ONNX graphs (compacted)"),
                new TopicSpec(topics.quality(), 1, rf, month, QualityReport.class, "online quality per model version"),
                new TopicSpec(topics.qualityPaired(), 1, rf, month, PairedQuality.class,
                        "challenger against champion losses on the same events, per version pair"),
                TopicSpec.schemas(topics.schemas()));
    }

    /** The catalog with default names and partitions. */
    public static List<TopicSpec> defaults() {
        return of(Topics.defaults(), DEFAULT_PARTITIONS);
    }
}
