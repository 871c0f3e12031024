package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;
import ai.factory.scoring.release.SpecKey;
import ai.factory.scoring.model.ServingModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Swapping the champion while vectors keep arriving. */
@ExtendWith(KafkaExtension.class)
class HotSwapTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aSwapUnderLoadLosesAndRepeatsNothingAndEverythingAfterItCarriesTheNewVersion(TestKafka kafka) throws Exception {
        try (KafkaHarness harness = new KafkaHarness(kafka, "swap", 3)) {
            harness.publish(Fixtures.champion(1, 1));
            List<FeatureVector> beforeGate = Fixtures.vectors("a", 2000, 1);
            List<FeatureVector> afterGate = Fixtures.vectors("b", 4000, 2);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Scorer scorer = harness.start(harness.options("a"), meters);
                 var predictions = harness.predictions()) {
                LoadGenerator load = new LoadGenerator(harness);
                CompletableFuture<Void> writing = load.start(beforeGate, afterGate);
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= 500);

                harness.publish(Fixtures.champion(2, 2));
                SpecKey spec = new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION);
                Awaitility.await().atMost(WAIT).until(() -> scorer.models().installed(spec, ServingModels.Role.CHAMPION)
                        .map(k -> k.version() == 2).orElse(false));
                load.openGate();
                writing.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                int total = beforeGate.size() + afterGate.size();
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= total);

                List<KafkaHarness.Read<Prediction>> read = predictions.poll();
                assertThat(read).hasSize(total);
                assertThat(read).extracting(KafkaHarness.Read::key).doesNotHaveDuplicates();
                Set<String> ids = read.stream().map(KafkaHarness.Read::key).collect(Collectors.toSet());
                assertThat(ids).containsAll(beforeGate.stream().map(FeatureVector::getEventId).toList())
                        .containsAll(afterGate.stream().map(FeatureVector::getEventId).toList());

                // Per partition, in offset order, the version never goes back once v2 has served.
                Map<Integer, List<KafkaHarness.Read<Prediction>>> byPartition = read.stream()
                        .collect(Collectors.groupingBy(KafkaHarness.Read::partition));
                for (List<KafkaHarness.Read<Prediction>> partition : byPartition.values()) {
                    partition.sort(Comparator.comparingLong(KafkaHarness.Read::offset));
                    long previous = 1;
                    for (KafkaHarness.Read<Prediction> r : partition) {
                        assertThat(r.value().getModelVersion()).as("offset %d", r.offset()).isGreaterThanOrEqualTo(previous);
                        previous = r.value().getModelVersion();
                    }
                }
                assertThat(read).filteredOn(r -> r.key().startsWith("b-"))
                        .allSatisfy(r -> assertThat(r.value().getModelVersion()).isEqualTo(2L));
                assertThat(read).filteredOn(r -> r.value().getModelVersion() == 1L).hasSizeGreaterThanOrEqualTo(500);
                assertThat(meters.get("factory.scoring.releases.loaded").counter().count()).isEqualTo(2);
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }
}
