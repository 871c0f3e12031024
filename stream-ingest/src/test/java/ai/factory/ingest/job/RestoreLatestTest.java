package ai.factory.ingest.job;

import static ai.factory.ingest.Events.T0;
import static ai.factory.ingest.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.flink.RestartPolicy;
import ai.factory.flink.Snapshots;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.Event;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --restore-from latest} on the in-process job: a run is cancelled, its checkpoints are retained, and the next
 * run resumes from the newest completed one, past the half-written folders a killed process leaves; with exactly-once
 * no event is featurized twice or lost across the stop.
 */
@ExtendWith(KafkaExtension.class)
class RestoreLatestTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aRunResumesFromTheNewestRetainedCheckpointWithNothingLostOrRepeated(TestKafka kafka, @TempDir Path checkpoints)
            throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("restore-latest"));
        IngestOptions options = IngestOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()))
                .withTopicPrefix(topics.prefix())
                .withSpecLocation("classpath:specs/test.json")
                .withExactlyOnce(true)
                .withCheckpointInterval(Duration.ofMillis(300))
                .withCheckpointDir(checkpoints.toUri().toString())
                .withSourceIdleness(Duration.ofMillis(500))
                .withRestarts(RestartPolicy.none())
                .withRestoreFrom(Snapshots.LATEST);

        try (KafkaIO io = new KafkaIO(kafka.bootstrapServers());
             SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas())) {
            IngestJob.ensureTopics(options);
            AvroCodec<Event> events = AvroCodec.of(Event.class, registry);
            Set<String> first = write(io, topics, events, "a", 0);
            // Nothing retained yet: latest starts fresh.
            try (IngestHandle run = IngestJob.start(options)) {
                awaitCommitted(io, topics, first);
            }
            // What kill -9 in the middle of a checkpoint leaves, newer than every completed one.
            Files.createDirectories(checkpoints.resolve("0123456789abcdef0123456789abcdef/chk-99"));
            Path cut = Files.createDirectories(checkpoints.resolve("0123456789abcdef0123456789abcdef/chk-100"));
            Files.write(cut.resolve("_metadata"), new byte[] {0x49, 0x60, 0x67, 0x2d, 0, 0, 0});
            String retained = Snapshots.newest(checkpoints.toString()).orElseThrow().pointer();
            assertThat(retained).as("a retained checkpoint of the first run").doesNotContain("0123456789abcdef");

            Set<String> second = write(io, topics, events, "b", 30);
            try (IngestHandle run = IngestJob.start(options)) {
                awaitCommitted(io, topics, union(first, second));
            }
            List<String> keys = io.readAll(topics.features(), "read_committed").stream().map(ConsumerRecord::key).toList();
            assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(union(first, second));
            // Claimed on restore: the first run's checkpoint went once the second run's own completed.
            Awaitility.await().atMost(WAIT).until(() -> !Files.exists(Path.of(retained, "_metadata")));
        }
    }

    private static Set<String> write(KafkaIO io, Topics topics, AvroCodec<Event> codec, String prefix, int firstMinute)
            throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String id = prefix + i;
            io.send(topics.events(), id, codec.encode(event(id, T0.plus(Duration.ofMinutes(firstMinute + i)), "k" + (i % 3), (long) i, null)));
            ids.add(id);
        }
        return ids;
    }

    private static void awaitCommitted(KafkaIO io, Topics topics, Set<String> expected) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() ->
                io.readAll(topics.features(), "read_committed").stream().map(ConsumerRecord::key).collect(Collectors.toSet())
                        .containsAll(expected));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
