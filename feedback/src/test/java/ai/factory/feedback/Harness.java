package ai.factory.feedback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.PairedQuality;
import ai.factory.records.Prediction;
import ai.factory.records.QualityReport;
import ai.factory.records.Rejected;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The feedback topology on a TopologyTestDriver, with typed topics in and out. */
final class Harness implements AutoCloseable {

    static final Duration WINDOW = Duration.ofHours(1);

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, FeatureVector> features;
    final TestInputTopic<String, Prediction> predictions;
    final TestInputTopic<String, Prediction> shadow;
    final TestInputTopic<String, Feedback> feedback;
    final TestInputTopic<String, byte[]> rawFeedback;
    final TestOutputTopic<String, LabeledExample> examples;
    final TestOutputTopic<String, Feedback> late;
    final TestOutputTopic<String, Rejected> deadLetters;
    final TestOutputTopic<String, QualityReport> quality;
    final TestOutputTopic<String, PairedQuality> paired;

    Harness(Path stateDir, FeedbackPolicies policies, QualitySettings qualitySettings) {
        this(stateDir, featuresAndLabelsClock(new JoinSettings(WINDOW, Duration.ZERO, WINDOW, policies)), qualitySettings);
    }

    /**
     * {@code join} without waiting for predictions (maximum prediction lag 0): the clock of the tests that move it
     * with {@link #advanceTo}, which moves the features and labels paths only (a prediction for its clock event
     * would show up on the quality side). {@link BurstyJoinTest} covers the predictions path.
     */
    static JoinSettings featuresAndLabelsClock(JoinSettings join) {
        return join.withMaxPredictionLag(Duration.ZERO);
    }

    Harness(Path stateDir, JoinSettings join, QualitySettings qualitySettings) {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of("unused:9092")).withJoin(join).withQuality(qualitySettings)
                .withPunctuateEvery(Duration.ofMillis(1)).withState(stateDir, true);
        FeedbackMetrics metrics = new FeedbackMetrics(meters);
        Properties props = FeedbackTopology.streamsConfig(options);
        // The driver has no wall clock to end the wait for an input with no data: process what is there.
        props.put("max.task.idle.ms", "-1");
        driver = new TopologyTestDriver(FeedbackTopology.build(options, registry, metrics), props);
        Topics topics = options.topics();
        StringSerializer keys = new StringSerializer();
        features = driver.createInputTopic(topics.features(), keys, AvroSerde.of(FeatureVector.class, registry));
        predictions = driver.createInputTopic(topics.predictions(), keys, AvroSerde.of(Prediction.class, registry));
        shadow = driver.createInputTopic(topics.predictionsShadow(), keys, AvroSerde.of(Prediction.class, registry));
        feedback = driver.createInputTopic(topics.feedback(), keys, AvroSerde.of(Feedback.class, registry));
        rawFeedback = driver.createInputTopic(topics.feedback(), keys, new ByteArraySerializer());
        StringDeserializer keysOut = new StringDeserializer();
        examples = driver.createOutputTopic(topics.examples(), keysOut, AvroSerde.of(LabeledExample.class, registry));
        late = driver.createOutputTopic(topics.feedbackLate(), keysOut, AvroSerde.of(Feedback.class, registry));
        deadLetters = driver.createOutputTopic(options.deadLetterTopicName(), keysOut, AvroSerde.of(Rejected.class, registry));
        quality = driver.createOutputTopic(topics.quality(), keysOut, AvroSerde.of(QualityReport.class, registry));
        paired = driver.createOutputTopic(topics.qualityPaired(), keysOut, AvroSerde.of(PairedQuality.class, registry));
    }

    void served(String id, long eventTime, double score, String model, long version) {
        features.pipeInput(id, Records.features(id, eventTime));
        predictions.pipeInput(id, Records.prediction(id, eventTime, score, model, version));
    }

    void label(String id, double label, long time) {
        feedback.pipeInput(id, Records.feedback(id, label, time, "app"));
    }

    /**
     * Moves the features and labels paths to {@code time}: the features of an unrelated event, then that event's
     * label (which joins it, so it is never late or unmatched). The predictions path stays where it is.
     */
    void advanceTo(long time) {
        features.pipeInput("clock-" + time, Records.features("clock-" + time, time));
        feedback.pipeInput("clock-" + time, Records.feedback("clock-" + time, 0.0, time, "clock"));
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
