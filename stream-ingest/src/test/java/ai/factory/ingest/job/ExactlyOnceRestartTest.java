package ai.factory.ingest.job;

import static ai.factory.ingest.Events.T0;
import static ai.factory.ingest.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.flink.RestartPolicy;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once mode: a job that wrote uncommitted vectors after its last checkpoint is cancelled and a
 * new one restored from that checkpoint; read_committed consumers see every vector exactly once.
 */
@ExtendWith(KafkaExtension.class)
class ExactlyOnceRestartTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aRestoreFromACheckpointWritesNoDuplicates(TestKafka kafka, @InjectMiniCluster MiniCluster cluster,
                                                   @TempDir Path checkpoints) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("exactly-once"));
        IngestOptions options = IngestOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()))
                .withTopicPrefix(topics.prefix())
                .withSpecLocation("classpath:specs/test.json")
                .withParallelism(2)
                .withExactlyOnce(true)
                // Periodic checkpoints practically never: this test triggers the one that matters itself.
                .withCheckpointInterval(Duration.ofDays(365))
                .withCheckpointDir(checkpoints.toUri().toString())
                .withGroupId(topics.prefix() + "ingest")
                .withMaxOutOfOrderness(Duration.ZERO)
                // Vectors after the restore must equal the aborted ones: only event-time order replays the same values.
                .withFeatureTiming(FeatureTiming.EVENT_TIME)
                .withSourceIdleness(Duration.ofMillis(500))
                .withRestarts(RestartPolicy.none());
        IngestJob.ensureTopics(options);

        try (KafkaIO io = new KafkaIO(kafka.bootstrapServers());
             SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas())) {
            AvroCodec<Event> events = AvroCodec.of(Event.class, registry);
            AvroCodec<FeatureVector> vectors = AvroCodec.of(FeatureVector.class, registry);

            // Batch A, then one event per partition at minute 30 so the watermark passes all of A.
            Set<String> batchA = write(io, topics, events, "a", 0);
            Set<String> barrierA = barriers(io, topics, events, "barrier-a", 30);
            JobClient first = start(options);
            awaitIds(io, topics, "read_uncommitted", batchA);
            String checkpoint = cluster.triggerCheckpoint(first.getJobID()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            awaitIds(io, topics, "read_committed", batchA);

            // Batch B is written inside an open transaction; the job dies before any checkpoint commits it.
            Set<String> batchB = write(io, topics, events, "b", 31);
            Set<String> barrierB = barriers(io, topics, events, "barrier-b", 60);
            Set<String> afterCheckpoint = union(barrierA, batchB);
            awaitIds(io, topics, "read_uncommitted", union(batchA, afterCheckpoint));
            assertThat(ids(io, topics, "read_committed")).doesNotContainAnyElementsOf(batchB);
            Map<String, FeatureVector> uncommittedB = firstVectors(io, topics, vectors, "read_uncommitted");
            first.cancel().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            JobClient second = start(options.withRestoreFrom(checkpoint).withCheckpointInterval(Duration.ofMillis(500)));
            try {
                awaitIds(io, topics, "read_committed", union(batchA, afterCheckpoint));
                List<ConsumerRecord<String, byte[]>> committed = io.readAll(topics.features(), "read_committed");
                // Once a source has been quiet its watermark catches up, so the last barriers may be featurized too.
                assertThat(committed).extracting(ConsumerRecord::key)
                        .doesNotHaveDuplicates()
                        .containsAll(union(batchA, afterCheckpoint))
                        .allMatch(union(union(batchA, afterCheckpoint), barrierB)::contains);
                // The aborted attempt really wrote B once before: the duplicates existed, read_committed hid them.
                assertThat(io.readAll(topics.features(), "read_uncommitted").size()).isGreaterThan(committed.size());
                // State came back too: vectors written after the restore equal the aborted ones. Only when no vector
                // of batch B was late in either run: an idle partition (the feedback source has none) can let the
                // watermark run ahead of a slow partition, and a late event shifts the running standardization of
                // every vector after it, differently in each run, by arrival order alone.
                Map<String, FeatureVector> committedB = firstVectors(io, topics, vectors, "read_committed");
                boolean anyLate = batchB.stream().anyMatch(id -> committedB.get(id).getLate() || uncommittedB.get(id).getLate());
                if (!anyLate) {
                    batchB.forEach(id -> assertThat(committedB.get(id).getDense()).as(id).isEqualTo(uncommittedB.get(id).getDense()));
                }
            } finally {
                second.cancel().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private static JobClient start(IngestOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(IngestJob.configuration(options));
        IngestJob.build(env, options);
        return env.executeAsync(IngestJob.NAME);
    }

    private static Set<String> write(KafkaIO io, Topics topics, AvroCodec<Event> codec, String prefix, int firstMinute)
            throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String id = prefix + i;
            io.send(topics.events(), id, codec.encode(event(id, T0.plus(Duration.ofMinutes(firstMinute + i)), "k" + (i % 3), (long) i, null)));
            ids.add(id);
        }
        return ids;
    }

    private static Set<String> barriers(KafkaIO io, Topics topics, AvroCodec<Event> codec, String prefix, int minute)
            throws Exception {
        Set<String> ids = new HashSet<>();
        for (int p = 0; p < TopicCatalog.DEFAULT_PARTITIONS; p++) {
            String id = prefix + p;
            io.send(topics.events(), p, id, codec.encode(event(id, T0.plus(Duration.ofMinutes(minute)), "barrier", 0L, null)));
            ids.add(id);
        }
        return ids;
    }

    private static void awaitIds(KafkaIO io, Topics topics, String isolation, Set<String> expected) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> ids(io, topics, isolation).containsAll(expected));
    }

    private static Set<String> ids(KafkaIO io, Topics topics, String isolation) {
        return io.readAll(topics.features(), isolation).stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    private static Map<String, FeatureVector> firstVectors(KafkaIO io, Topics topics, AvroCodec<FeatureVector> codec,
                                                           String isolation) {
        Map<String, FeatureVector> first = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : io.readAll(topics.features(), isolation)) {
            first.putIfAbsent(r.key(), codec.decode(r));
        }
        return first;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

}
