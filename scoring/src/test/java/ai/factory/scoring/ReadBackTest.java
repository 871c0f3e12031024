package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.records.Prediction;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.model.ServingModels;
import ai.factory.scoring.release.RecordPosition;
import ai.factory.scoring.release.ReleaseBook;
import ai.factory.scoring.release.ReleaseKey;
import ai.factory.scoring.release.SpecKey;
import ai.factory.scoring.service.ReleaseReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Releases whose graph the scorer no longer holds are read back from the models topic when they must serve again. */
@ExtendWith(KafkaExtension.class)
class ReadBackTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final SpecKey SPEC = new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION);

    @Test
    void aRollbackPastTheHeldChampionsServesTheOlderChampionReadBackFromTheTopic(TestKafka kafka) throws Exception {
        try (KafkaHarness harness = new KafkaHarness(kafka, "readback", 2)) {
            // K+2 champions: the oldest is beyond the K newest whose graphs the scorer holds.
            long newest = ReleaseBook.KEPT_CHAMPIONS + 2;
            for (long version = 1; version <= newest; version++) {
                harness.publish(Fixtures.champion(version, 100 + version));
            }
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Scorer scorer = harness.start(harness.options("a"), meters);
                 var predictions = harness.predictions()) {
                awaitChampion(scorer, newest);

                // An operator rolls back the K+1 newest champions, newest first.
                for (long version = newest; version > 1; version--) {
                    harness.publish(ModelRelease.newBuilder(Fixtures.champion(version, 100 + version))
                            .setStatus(ReleaseStatus.RETIRED).setStatusReason("rolled back").build());
                }
                awaitChampion(scorer, 1);
                List<FeatureVector> vectors = Fixtures.vectors("r", 300, 7);
                harness.produce(vectors);
                Awaitility.await().atMost(WAIT).until(() -> predictions.poll().size() >= vectors.size());

                Map<String, Prediction> byId = predictions.values().stream()
                        .collect(Collectors.toMap(Prediction::getEventId, Function.identity()));
                assertThat(byId).hasSize(vectors.size());
                float[] direct = ScorerTest.scoreDirectly(Fixtures.champion(1, 101), vectors);
                for (int i = 0; i < vectors.size(); i++) {
                    Prediction prediction = byId.get(vectors.get(i).getEventId());
                    assertThat(prediction.getModelVersion()).isEqualTo(1L);
                    assertThat(prediction.getScore()).as("scored by release 1's own graph").isCloseTo(direct[i], within(1e-6));
                }
                assertThat(meters.get("factory.scoring.releases.read.back").counter().count()).isGreaterThanOrEqualTo(1);
                assertThat(meters.find("factory.scoring.releases.rejected").counters()).isEmpty();
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }

    @Test
    void aReleaseIsReadBackByItsOffsetAndAnotherRecordThereIsNotTakenForIt(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "reader", 1)) {
            ModelRelease one = Fixtures.champion(1, 1);
            ModelRelease two = Fixtures.champion(2, 2);
            long oneAt = harness.publish(one);
            long twoAt = harness.publish(two);
            TopicPartition models = new TopicPartition(harness.topics().models(), 0);
            try (ReleaseReader reader = new ReleaseReader(consumer(kafka), harness.releaseCodec(), WAIT)) {
                assertThat(reader.read(key(2), new RecordPosition(models, twoAt)))
                        .hasValueSatisfying(r -> assertThat(r.getOnnx()).isEqualTo(two.getOnnx()));
                assertThat(reader.read(key(1), new RecordPosition(models, oneAt)))
                        .hasValueSatisfying(r -> assertThat(r.getOnnx()).isEqualTo(one.getOnnx()));
                assertThat(reader.read(key(1), new RecordPosition(models, twoAt)))
                        .as("compaction left the next release at that offset").isEmpty();
                assertThat(reader.read(key(1), new RecordPosition(models, twoAt + 10)))
                        .as("an offset no longer in the log").isEmpty();
            }
            try (ReleaseReader reader = new ReleaseReader(consumer(kafka), harness.releaseCodec(), Duration.ofMillis(500))) {
                assertThatThrownBy(() -> reader.read(key(3), new RecordPosition(models, twoAt + 1)))
                        .as("nothing there yet: the wait is bounded").isInstanceOf(TimeoutException.class);
            }
        }
    }

    private static void awaitChampion(Scorer scorer, long version) {
        Awaitility.await().atMost(WAIT).until(() -> scorer.models().installed(SPEC, ServingModels.Role.CHAMPION)
                .map(k -> k.version() == version).orElse(false));
    }

    private static ReleaseKey key(long version) {
        return new ReleaseKey(Fixtures.MODEL, version);
    }

    /** Configured as the scorer's read-back consumer is. */
    private static KafkaConsumer<String, byte[]> consumer(TestKafka kafka) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1), new StringDeserializer(), new ByteArrayDeserializer());
    }
}
