package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.bench.LogisticGraph;
import ai.factory.scoring.release.ReleaseBook;
import ai.factory.scoring.release.ReleaseKey;
import ai.factory.scoring.release.SpecKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a scorer keeps of the models topic stays bounded, and a record it cannot read is skipped and counted. */
@ExtendWith(KafkaExtension.class)
class ModelRetentionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final SpecKey SPEC = new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION);

    @Test
    void fiftyReleasesLeaveOnlyTheNewestGraphsHeld(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "retention", 1)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            byte[] graph = LogisticGraph.onnx(Fixtures.weights(1), Fixtures.SPARSE);
            try (Scorer scorer = harness.start(harness.options("a"), meters)) {
                for (long version = 1; version <= 50; version++) {
                    // Every fifth a candidate, the rest champions: none is ever retired, as in a long run.
                    ReleaseStatus status = version % 5 == 0 ? ReleaseStatus.CANDIDATE : ReleaseStatus.CHAMPION;
                    harness.publish(Fixtures.release(version, status, graph));
                }
                Awaitility.await().atMost(WAIT).until(() -> installed(scorer).equals(Optional.of(new ReleaseKey(Fixtures.MODEL, 49))));
                Awaitility.await().atMost(WAIT).until(() -> gauge(meters, "factory.scoring.releases.graphs.held")
                        == ReleaseBook.KEPT_CHAMPIONS + 1);
                assertThat(gauge(meters, "factory.scoring.releases.graph.bytes.held"))
                        .isEqualTo((double) (ReleaseBook.KEPT_CHAMPIONS + 1) * graph.length);
            }
        }
    }

    @Test
    void anUndecodableModelsRecordIsSkippedCountedAndTheNextReleaseServes(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "bad-release", 1)) {
            harness.publish(Fixtures.champion(1, 1));
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Scorer scorer = harness.start(harness.options("a"), meters)) {
                harness.publishRaw(Fixtures.MODEL + "/2", "not avro".getBytes());
                harness.publishRaw("no version here", Fixtures.champion(3, 3).toString().getBytes());
                harness.publish(Fixtures.champion(4, 4));
                Awaitility.await().atMost(WAIT).until(() -> installed(scorer).equals(Optional.of(new ReleaseKey(Fixtures.MODEL, 4))));
                assertThat(meters.get("factory.scoring.releases.rejected").tag("reason", "unreadable").counter().count()).isEqualTo(1);
                assertThat(meters.get("factory.scoring.releases.rejected").tag("reason", "unreadable_key").counter().count()).isEqualTo(1);
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }

    private static Optional<ReleaseKey> installed(Scorer scorer) {
        return scorer.models().installed(SPEC, ai.factory.scoring.model.ServingModels.Role.CHAMPION);
    }

    private static double gauge(SimpleMeterRegistry meters, String name) {
        return meters.get(name).gauge().value();
    }
}
