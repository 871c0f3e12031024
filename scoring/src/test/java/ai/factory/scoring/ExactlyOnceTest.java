package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Exactly-once scoring on the embedded broker: a crash mid-stream neither loses nor repeats a committed prediction. */
@ExtendWith(KafkaExtension.class)
class ExactlyOnceTest {

    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceTest.class);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void theEmbeddedBrokerSupportsTransactionsSoAutoMeansExactlyOnce(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "auto", 1);
             Scorer scorer = harness.start(harness.options("a"), new SimpleMeterRegistry())) {
            assertThat(harness.options("a").delivery()).isEqualTo(Delivery.AUTO);
            assertThat(scorer.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        }
    }

    @Test
    void aScorerKilledMidStreamAndReplacedYieldsExactlyOneCommittedPredictionPerVector(TestKafka kafka) throws Exception {
        try (KafkaHarness harness = new KafkaHarness(kafka, "eos-kill", 3)) {
            harness.publish(Fixtures.champion(1, 1));
            List<FeatureVector> first = Fixtures.vectors("a", 3000, 1);
            List<FeatureVector> rest = Fixtures.vectors("b", 3000, 2);
            int total = first.size() + rest.size();
            ScorerOptions options = harness.options("a").withDelivery(Delivery.EXACTLY_ONCE);
            // a commits rarely, so that it dies with a transaction full of predictions open: 10 s apart (5 s was once
            // reached on a loaded machine; more would hold b back by a's transaction timeout, 3 commit intervals).
            ScorerOptions slowCommits = options.withCommitInterval(Duration.ofSeconds(10));
            try (var committed = harness.predictions(); var everything = harness.predictionsIncludingAborted()) {
                LoadGenerator load = new LoadGenerator(harness);
                CompletableFuture<Void> writing;
                Scorer a = harness.start(slowCommits, new SimpleMeterRegistry());
                int uncommittedAtKill;
                try {
                    writing = load.start(first, rest);
                    Awaitility.await().atMost(WAIT).until(() -> everything.poll().size() >= 1000);
                } finally {
                    // As a crash would: no commit, the open transaction left open.
                    a.halt();
                }
                uncommittedAtKill = everything.poll().size();
                assertThat(committed.poll()).as("a died before its first commit").isEmpty();
                try (Scorer b = harness.start(options.withGroup("scorers", "b"), new SimpleMeterRegistry())) {
                    load.openGate();
                    writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    Awaitility.await().atMost(WAIT).until(() -> distinctKeys(committed) >= total);
                    // Anything still to come would be a duplicate: read until the end of what b has committed.
                    Awaitility.await().atMost(WAIT).until(() -> harness.committedOffsets().values().stream()
                            .mapToLong(Long::longValue).sum() >= total);
                    List<Prediction> read = committed.values();
                    Map<String, Long> copies = read.stream().collect(Collectors.groupingBy(Prediction::getEventId, Collectors.counting()));
                    Awaitility.await().atMost(WAIT).until(() -> everything.poll().size() >= total + uncommittedAtKill);
                    log.info("a died with {} predictions in its open transaction; {} committed in all, {} written",
                            uncommittedAtKill, read.size(), everything.poll().size());
                    assertThat(copies).hasSize(total);
                    assertThat(copies.values()).as("committed predictions per vector").containsOnly(1L);
                    assertThat(b.isRunning()).isTrue();
                }
            }
        }
    }

    @Test
    void shadowPredictionsCommitAndAbortInTheSameTransactionAsServedOnes(TestKafka kafka) throws Exception {
        try (KafkaHarness harness = new KafkaHarness(kafka, "eos-shadow", 2)) {
            harness.publish(Fixtures.champion(1, 51));
            harness.publish(Fixtures.release(2, ai.factory.records.ReleaseStatus.CANDIDATE,
                    ai.factory.scoring.bench.LogisticGraph.onnx(Fixtures.weights(52), Fixtures.SPARSE)));
            List<FeatureVector> vectors = Fixtures.vectors("sh", 400, 3);
            ScorerOptions options = harness.options("a").withDelivery(Delivery.EXACTLY_ONCE);
            assertThat(options.shadow()).as("shadow scoring is on by default").isTrue();
            try (var served = harness.predictions(); var shadow = harness.shadowPredictions();
                 var servedWritten = harness.predictionsIncludingAborted();
                 var shadowWritten = harness.shadowPredictionsIncludingAborted()) {
                // A backlog, scored well before a's first commit 10 s away (as above): everything a writes stays in one
                // open transaction.
                harness.produce(vectors);
                Scorer a = harness.start(options.withCommitInterval(Duration.ofSeconds(10)), new SimpleMeterRegistry());
                try {
                    Awaitility.await().atMost(WAIT).until(() ->
                            servedWritten.poll().size() >= vectors.size() && shadowWritten.poll().size() >= vectors.size());
                } finally {
                    a.halt();
                }
                assertThat(served.poll()).as("served predictions of the open transaction").isEmpty();
                assertThat(shadow.poll()).as("shadow predictions of the same open transaction").isEmpty();
                try (Scorer b = harness.start(options.withGroup("scorers", "b"), new SimpleMeterRegistry())) {
                    Awaitility.await().atMost(WAIT).until(() ->
                            served.poll().size() >= vectors.size() && shadow.poll().size() >= vectors.size());
                    Awaitility.await().atMost(WAIT).until(() -> harness.committedOffsets().values().stream()
                            .mapToLong(Long::longValue).sum() >= vectors.size());
                    served.poll();
                    shadow.poll();
                    assertThat(served.values()).hasSize(vectors.size()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1L));
                    assertThat(shadow.values()).hasSize(vectors.size()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(2L));
                    assertThat(shadow.values()).extracting(Prediction::getEventId).doesNotHaveDuplicates()
                            .containsExactlyInAnyOrderElementsOf(vectors.stream().map(FeatureVector::getEventId).toList());
                    assertThat(shadowWritten.poll().size()).as("a's shadow predictions were written, then aborted")
                            .isGreaterThanOrEqualTo(2 * vectors.size());
                }
            }
        }
    }

    private static long distinctKeys(KafkaHarness.TopicReader<Prediction> reader) {
        return reader.poll().stream().map(KafkaHarness.Read::key).distinct().count();
    }
}
