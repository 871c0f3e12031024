package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Several instances in one consumer group. */
@ExtendWith(KafkaExtension.class)
class ScaleOutTest {

    private static final Logger log = LoggerFactory.getLogger(ScaleOutTest.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 4;

    @Test
    void twoInstancesSplitThePartitionsAndAThirdJoiningLosesNothing(TestKafka kafka) throws Exception {
        try (KafkaHarness harness = new KafkaHarness(kafka, "scale", PARTITIONS)) {
            harness.publish(Fixtures.champion(1, 1));
            List<FeatureVector> beforeJoin = Fixtures.vectors("a", 2000, 1);
            List<FeatureVector> afterJoin = Fixtures.vectors("b", 3000, 2);
            SimpleMeterRegistry metersA = new SimpleMeterRegistry();
            SimpleMeterRegistry metersB = new SimpleMeterRegistry();
            SimpleMeterRegistry metersC = new SimpleMeterRegistry();
            try (Scorer a = harness.start(harness.options("a"), metersA);
                 Scorer b = harness.start(harness.options("b"), metersB);
                 var predictions = harness.predictions()) {
                Awaitility.await().atMost(WAIT).until(() -> !a.assignment().isEmpty() && !b.assignment().isEmpty()
                        && union(a.assignment(), b.assignment()).size() == PARTITIONS);
                assertThat(a.assignment()).doesNotContainAnyElementsOf(b.assignment());

                LoadGenerator load = new LoadGenerator(harness);
                CompletableFuture<Void> writing = load.start(beforeJoin, afterJoin);
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= 500);
                try (Scorer c = harness.start(harness.options("c"), metersC)) {
                    Awaitility.await().atMost(WAIT).until(() -> !c.assignment().isEmpty()
                            && union(a.assignment(), b.assignment(), c.assignment()).size() == PARTITIONS);
                    load.openGate();
                    writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    int total = beforeJoin.size() + afterJoin.size();
                    Awaitility.await().atMost(WAIT).until(() ->
                            predictions.poll().stream().map(KafkaHarness.Read::key).distinct().count() >= total);

                    List<Prediction> read = predictions.values();
                    Set<String> ids = read.stream().map(Prediction::getEventId).collect(Collectors.toSet());
                    assertThat(ids).containsAll(beforeJoin.stream().map(FeatureVector::getEventId).toList())
                            .containsAll(afterJoin.stream().map(FeatureVector::getEventId).toList());
                    Map<String, List<Prediction>> byId = read.stream().collect(Collectors.groupingBy(Prediction::getEventId));
                    long duplicates = read.size() - byId.size();
                    log.info("{} predictions for {} events ({} duplicates); served by a={}, b={}, c={}", read.size(), byId.size(),
                            duplicates, served(metersA), served(metersB), served(metersC));
                    byId.values().forEach(copies -> assertThat(copies).extracting(Prediction::getModelVersion).containsOnly(1L));
                    assertThat(duplicates).as("rebalance commits before it moves partitions").isZero();
                    assertThat(served(metersC)).isPositive();
                    assertThat(served(metersA) + served(metersB) + served(metersC)).isEqualTo(read.size());
                }
            }
        }
    }

    private static double served(SimpleMeterRegistry meters) {
        return meters.get("factory.scoring.predictions").counter().count();
    }

    @SafeVarargs
    private static Set<TopicPartition> union(Set<TopicPartition>... sets) {
        Set<TopicPartition> all = new HashSet<>();
        for (Set<TopicPartition> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
