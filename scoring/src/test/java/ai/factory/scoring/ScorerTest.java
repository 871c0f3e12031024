package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.records.Prediction;
import ai.factory.records.Rejected;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.bench.LogisticGraph;
import ai.factory.scoring.model.BatchInputs;
import ai.factory.scoring.model.ModelSession;
import ai.factory.scoring.model.ReleaseLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One scorer against the embedded broker and the real ONNX Runtime. */
@ExtendWith(KafkaExtension.class)
class ScorerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void predictionsEqualDirectOnnxRuntimeScoringOfTheSameInputs(TestKafka kafka) throws Exception {
        try (KafkaHarness harness = new KafkaHarness(kafka, "equal", 3)) {
            ModelRelease champion = Fixtures.champion(1, 11);
            harness.publish(champion);
            List<FeatureVector> vectors = Fixtures.vectors("e", 2000, 5);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Scorer scorer = harness.start(harness.options("a"), meters);
                 var predictions = harness.predictions()) {
                harness.produce(vectors);
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= vectors.size());

                Map<String, Prediction> byId = predictions.values().stream()
                        .collect(Collectors.toMap(Prediction::getEventId, Function.identity()));
                assertThat(byId).hasSize(vectors.size());
                float[] direct = scoreDirectly(champion, vectors);
                for (int i = 0; i < vectors.size(); i++) {
                    FeatureVector vector = vectors.get(i);
                    Prediction prediction = byId.get(vector.getEventId());
                    assertThat(prediction.getScore()).as(vector.getEventId()).isCloseTo(direct[i], within(1e-6));
                    assertThat(prediction.getModelName()).isEqualTo(Fixtures.MODEL);
                    assertThat(prediction.getModelVersion()).isEqualTo(1L);
                    assertThat(prediction.getSpecVersion()).isEqualTo(Fixtures.SPEC_VERSION);
                    assertThat(prediction.getEventTime()).isEqualTo(vector.getEventTime());
                    assertThat(prediction.getServedAt()).isAfterOrEqualTo(vector.getEventTime());
                }
                assertThat(meters.get("factory.scoring.predictions").counter().count()).isEqualTo(vectors.size());
                assertThat(meters.get("factory.scoring.batch.size").summary().max()).isLessThanOrEqualTo(64);
                assertThat(meters.get("factory.scoring.batch.size").summary().count()).isLessThan(vectors.size() / 4);
                assertThat(meters.get("factory.scoring.latency.in.scorer").timer().count()).isEqualTo(vectors.size());
                assertThat(meters.get("factory.scoring.model.version").tag("role", "champion").gauge().value()).isEqualTo(1.0);
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }

    @Test
    void withoutAChampionVectorsWaitAndAreScoredOnceOneIsReleased(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "cold", 2)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            List<FeatureVector> vectors = Fixtures.vectors("c", 300, 9);
            try (Scorer scorer = harness.start(harness.options("a"), meters);
                 var predictions = harness.predictions()) {
                harness.produce(vectors);
                Awaitility.await().atMost(WAIT).until(() ->
                        meters.get("factory.scoring.partitions.waiting.for.model").gauge().value() == 2.0);
                assertThat(meters.get("factory.scoring.partitions.paused").gauge().value()).isEqualTo(2.0);
                assertThat(predictions.poll()).isEmpty();

                harness.publish(Fixtures.champion(1, 3));

                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= vectors.size());
                assertThat(predictions.values()).extracting(Prediction::getEventId).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(vectors.stream().map(FeatureVector::getEventId).toList());
                Awaitility.await().atMost(WAIT).until(() ->
                        meters.get("factory.scoring.partitions.waiting.for.model").gauge().value() == 0.0);
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }

    @Test
    void brokenReleasesAreRejectedWhileThePreviousModelKeepsServing(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "broken", 2)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            harness.publish(Fixtures.champion(1, 21));
            try (Scorer scorer = harness.start(harness.options("a"), meters);
                 var predictions = harness.predictions()) {
                harness.produce(Fixtures.vectors("before", 200, 1));
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= 200);

                LogisticGraph.Weights nan = Fixtures.weights(2);
                java.util.Arrays.fill(nan.embedding(), Float.NaN);
                harness.publish(Fixtures.release(2, ReleaseStatus.CHAMPION, "garbage".getBytes()));
                harness.publish(Fixtures.release(3, ReleaseStatus.CHAMPION,
                        LogisticGraph.onnx(LogisticGraph.Weights.random(7, Fixtures.BUCKETS, 3), Fixtures.SPARSE)));
                harness.publish(Fixtures.release(4, ReleaseStatus.CHAMPION, LogisticGraph.onnx(nan, Fixtures.SPARSE)));
                Awaitility.await().atMost(WAIT).until(() -> rejected(meters) == 3.0);
                assertThat(meters.get("factory.scoring.releases.rejected").tag("reason", "load_failed").counter().count()).isEqualTo(1);
                assertThat(meters.get("factory.scoring.releases.rejected").tag("reason", "shape_mismatch").counter().count()).isEqualTo(1);
                assertThat(meters.get("factory.scoring.releases.rejected").tag("reason", "not_finite").counter().count()).isEqualTo(1);

                harness.produce(Fixtures.vectors("after", 200, 2));
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= 400);
                assertThat(predictions.values()).hasSize(400).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1L));
                assertThat(meters.get("factory.scoring.model.version").tag("role", "champion").gauge().value()).isEqualTo(1.0);
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }

    @Test
    void byDefaultTheChallengerScoresIntoTheShadowTopicOnly(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "shadow", 2)) {
            harness.publish(Fixtures.champion(1, 31));
            harness.publish(Fixtures.release(2, ReleaseStatus.CANDIDATE, LogisticGraph.onnx(Fixtures.weights(32), Fixtures.SPARSE)));
            List<FeatureVector> vectors = Fixtures.vectors("s", 300, 4);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Scorer scorer = harness.start(harness.options("a"), meters);
                 var predictions = harness.predictions();
                 var shadow = harness.shadowPredictions()) {
                harness.produce(vectors);
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= 300 && shadow.poll().size() >= 300);

                assertThat(predictions.values()).hasSize(300).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1L));
                assertThat(shadow.values()).hasSize(300).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(2L));
                assertThat(shadow.values()).extracting(Prediction::getEventId)
                        .containsExactlyInAnyOrderElementsOf(predictions.values().stream().map(Prediction::getEventId).toList());
                assertThat(meters.get("factory.scoring.predictions.shadow").counter().count()).isEqualTo(300);
            }
        }
    }

    @Test
    void unreadableAndMisshapenVectorsGoToTheDeadLetterTopicAndTheRestIsScored(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "dlq", 1)) {
            harness.publish(Fixtures.champion(1, 41));
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Scorer scorer = harness.start(harness.options("a"), meters);
                 var predictions = harness.predictions();
                 var deadLetters = harness.deadLetters()) {
                harness.produce(Fixtures.vectors("ok1", 10, 1));
                harness.produceRaw("garbage-1", "not avro".getBytes());
                harness.produce(List.of(Fixtures.vector("short-1", List.of(1f, 2f), List.of(1, 2, 3), Instant.now()),
                        Fixtures.vector("range-1", List.of(1f, 2f, 3f, 4f), List.of(1, 2, Fixtures.BUCKETS + 5), Instant.now())));
                harness.produce(Fixtures.vectors("ok2", 10, 2));

                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= 20 && deadLetters.poll().size() >= 3);
                Map<String, Rejected> rejected = new java.util.HashMap<>();
                deadLetters.values().forEach(r -> rejected.put(r.getEventId(), r));
                assertThat(rejected.get("garbage-1").getReasonCode()).isEqualTo("UNDECODABLE");
                assertThat(rejected.get("garbage-1").getOriginal().remaining()).isEqualTo("not avro".length());
                assertThat(rejected.get("short-1").getReasonCode()).isEqualTo("SHAPE_MISMATCH");
                assertThat(rejected.get("range-1").getReasonCode()).isEqualTo("SPARSE_OUT_OF_RANGE");
                assertThat(rejected.values()).allSatisfy(r -> {
                    assertThat(r.getSourceTopic()).isEqualTo(harness.topics().features());
                    assertThat(r.getRejectedBy()).isEqualTo("scoring");
                });
                assertThat(predictions.values()).hasSize(20);
                assertThat(meters.get("factory.scoring.dead.letters").tag("reason", "undecodable").counter().count()).isEqualTo(1);
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }

    private static double rejected(SimpleMeterRegistry meters) {
        return meters.find("factory.scoring.releases.rejected").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Scores all vectors in one ORT run, outside the service. */
    static float[] scoreDirectly(ModelRelease release, List<FeatureVector> vectors) throws Exception {
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.CPU, 1, false));
        ModelSession session = new ReleaseLoader(sessions, 1).load(release, Optional.empty());
        try {
            BatchInputs inputs = new BatchInputs();
            inputs.reset(session.shape(), vectors.size());
            List<FeatureVector> all = new ArrayList<>(vectors);
            all.forEach(v -> inputs.add(v.getDense(), v.getSparse()));
            return session.score(inputs);
        } finally {
            session.retire();
        }
    }
}
