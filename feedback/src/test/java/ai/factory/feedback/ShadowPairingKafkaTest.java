package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.PairedQuality;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow predictions on a real broker: joined with the labels like served ones, paired with the served prediction of
 * the same event into {@code quality.paired}, never made into examples.
 */
@ExtendWith(KafkaExtension.class)
class ShadowPairingKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    // Six events served by m/1 and shadow-scored by m/2; figures checked against a two-pass computation below.
    private static final double[] CHAMPION = {0.6, 0.3, 0.8, 0.55, 0.2, 0.9};
    private static final double[] CHALLENGER = {0.7, 0.2, 0.6, 0.5, 0.4, 0.95};
    private static final double[] LABEL = {1, 0, 1, 0, 0, 1};

    @TempDir
    Path state;

    @Test
    void shadowPredictionsArePairedWithServedOnesOnTheSameEventsAndMakeNoExamples(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("feedback-shadow");
        Topics topics = new Topics(prefix);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withTopicPrefix(prefix)
                .withApplicationId("app")
                .withJoin(new JoinSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1),
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withState(state, false);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FeedbackApp app = FeedbackApp.start(options, registry, meters);
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer());
             var examples = new CommittedReader<>(kafka.bootstrapServers(), topics.examples(),
                     AvroSerde.of(LabeledExample.class, registry));
             var paired = new CommittedReader<>(kafka.bootstrapServers(), topics.qualityPaired(),
                     AvroSerde.of(PairedQuality.class, registry))) {
            var fv = AvroSerde.of(FeatureVector.class, registry);
            var pr = AvroSerde.of(Prediction.class, registry);
            var fb = AvroSerde.of(Feedback.class, registry);
            // e0..e5: features, the champion's prediction, a label; e0..e3 also the challenger's now, e4 and e5 later.
            for (int i = 0; i < CHAMPION.length; i++) {
                String id = "e" + i;
                long t = T0 + i * 1000L;
                producer.send(new ProducerRecord<>(topics.features(), id, fv.serialize(null, Records.features(id, t))));
                producer.send(new ProducerRecord<>(topics.predictions(), id,
                        pr.serialize(null, Records.prediction(id, t, CHAMPION[i], "m", 1))));
                if (i < 4) {
                    producer.send(new ProducerRecord<>(topics.predictionsShadow(), id,
                            pr.serialize(null, Records.prediction(id, t, CHALLENGER[i], "m", 2))));
                }
                producer.send(new ProducerRecord<>(topics.feedback(), id,
                        fb.serialize(null, Records.feedback(id, LABEL[i], t + 60_000, "app"))));
            }
            // s0, s1: scored by the challenger only (no served prediction), labelled: joined, never paired.
            for (int i = 0; i < 2; i++) {
                String id = "s" + i;
                long t = T0 + 10_000 + i * 1000L;
                producer.send(new ProducerRecord<>(topics.features(), id, fv.serialize(null, Records.features(id, t))));
                producer.send(new ProducerRecord<>(topics.predictionsShadow(), id,
                        pr.serialize(null, Records.prediction(id, t, 0.01, "m", 2))));
                producer.send(new ProducerRecord<>(topics.feedback(), id,
                        fb.serialize(null, Records.feedback(id, 1.0, t + 60_000, "app"))));
            }
            producer.flush();
            // Under FIRST each served event's example goes out as soon as its label is in.
            Awaitility.await().atMost(WAIT).until(() -> examples.poll().size() >= CHAMPION.length);

            // The challenger's predictions of e4 and e5 come after their examples went out: paired all the same.
            for (int i = 4; i < CHAMPION.length; i++) {
                String id = "e" + i;
                producer.send(new ProducerRecord<>(topics.predictionsShadow(), id,
                        pr.serialize(null, Records.prediction(id, T0 + i * 1000L, CHALLENGER[i], "m", 2))));
            }
            producer.flush();
            Awaitility.await().atMost(WAIT).until(() ->
                    latest(paired.poll()) != null && latest(paired.poll()).getCount() == CHAMPION.length);

            // A served event three hours on, on every partition, moves each task's join clock past the windows of s0, s1.
            long later = T0 + Duration.ofHours(3).toMillis();
            for (int partition = 0; partition < options.partitions(); partition++) {
                String id = "tick" + partition;
                producer.send(new ProducerRecord<>(topics.features(), partition, id, fv.serialize(null, Records.features(id, later))));
                producer.send(new ProducerRecord<>(topics.predictions(), partition, id,
                        pr.serialize(null, Records.prediction(id, later, 0.5, "m", 1))));
                producer.send(new ProducerRecord<>(topics.feedback(), partition, id,
                        fb.serialize(null, Records.feedback(id, 1.0, later + 60_000, "app"))));
            }
            producer.flush();
            Awaitility.await().atMost(WAIT).until(() -> examples.poll().size() >= CHAMPION.length + 2 + options.partitions());

            List<LabeledExample> made = examples.poll().stream().map(ConsumerRecord::value).toList();
            assertThat(made).as("one example per label, none from a shadow prediction")
                    .extracting(LabeledExample::getEventId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrder("e0", "e1", "e2", "e3", "e4", "e5", "s0", "s1", "tick0", "tick1", "tick2");
            assertThat(made).allSatisfy(e -> assertThat(e.getModelVersion()).isIn(1L, null));
            assertThat(made).filteredOn(e -> e.getEventId().startsWith("s"))
                    .allSatisfy(e -> assertThat(e.getServedScore()).as("the shadow score is never the served one").isNull());

            assertThat(paired.poll()).extracting(ConsumerRecord::key).as("s0 and s1 are not paired").containsOnly("m/2/1");
            PairedQuality report = latest(paired.poll());
            Expected expected = Expected.of(CHAMPION, CHALLENGER, LABEL);
            assertThat(report.getModelName()).isEqualTo("m");
            assertThat(report.getChallengerVersion()).isEqualTo(2L);
            assertThat(report.getChampionVersion()).isEqualTo(1L);
            assertThat(report.getLoss()).isEqualTo("log_loss");
            assertThat(report.getCount()).isEqualTo(6L);
            assertThat(report.getChampionLoss()).isCloseTo(expected.championLoss, within(1e-12));
            assertThat(report.getChallengerLoss()).isCloseTo(expected.challengerLoss, within(1e-12));
            assertThat(report.getMeanLossDifference()).isCloseTo(expected.meanDifference, within(1e-12));
            assertThat(report.getLossDifferenceVariance()).isCloseTo(expected.differenceVariance, within(1e-12));
            assertThat(report.getLastEventTime().toEpochMilli()).isEqualTo(T0 + 5000L);
            assertThat(meters.get("factory.feedback.shadow").tag("outcome", "unpaired").counter().count())
                    .as("s0 and s1").isEqualTo(2.0);
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static PairedQuality latest(List<ConsumerRecord<String, PairedQuality>> records) {
        return records.isEmpty() ? null : records.get(records.size() - 1).value();
    }

    /** The figures by hand: log losses, their means, the differences' mean and sample variance in two passes. */
    private record Expected(double championLoss, double challengerLoss, double meanDifference, double differenceVariance) {

        static Expected of(double[] champion, double[] challenger, double[] labels) {
            int n = labels.length;
            double[] difference = new double[n];
            double championSum = 0;
            double challengerSum = 0;
            for (int i = 0; i < n; i++) {
                double a = labels[i] == 1 ? -Math.log(champion[i]) : -Math.log(1 - champion[i]);
                double b = labels[i] == 1 ? -Math.log(challenger[i]) : -Math.log(1 - challenger[i]);
                championSum += a;
                challengerSum += b;
                difference[i] = b - a;
            }
            double mean = 0;
            for (double d : difference) {
                mean += d / n;
            }
            double squares = 0;
            for (double d : difference) {
                squares += (d - mean) * (d - mean);
            }
            return new Expected(championSum / n, challengerSum / n, mean, squares / (n - 1));
        }
    }
}
