package ai.factory.ingest.job;

import static ai.factory.ingest.Events.T0;
import static ai.factory.ingest.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.flink.RestartPolicy;
import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.records.Rejected;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two feature timings on a running (unbounded) job whose watermark cannot pass the events: an hour of
 * out-of-orderness, and sources that would only catch up after half an hour of quiet.
 */
@ExtendWith(KafkaExtension.class)
class FeatureTimingTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    /** Job start-up included; the watermark would need half an hour. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Once the job runs: processing time only. */
    private static final Duration RUNNING = Duration.ofSeconds(10);

    @Test
    void onArrivalAVectorComesOutAtOnceWithTheEventsThatArrivedBeforeIt(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("arrival"));
        IngestOptions options = watermarkHeldBack(kafka, topics).withFeatureTiming(FeatureTiming.ARRIVAL);
        FeatureLayout layout = FeatureLayout.of(FeatureSpecParser.load(options.specLocation()));
        JobClient job = start(options);
        try (KafkaIO io = new KafkaIO(kafka.bootstrapServers());
             SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas())) {
            AvroCodec<Event> events = AvroCodec.of(Event.class, registry);
            AvroCodec<FeatureVector> vectors = AvroCodec.of(FeatureVector.class, registry);

            io.send(topics.events(), "a1", events.encode(event("a1", T0, "A", 3L, null)));
            FeatureVector a1 = awaitVector(io, topics, vectors, "a1", WAIT);
            assertThat(a1.getLate()).isFalse();
            assertThat(dense(layout, a1, "k_count_10m")).isZero();

            // a1's vector is out, so a1 is in the stage's state before a2 arrives.
            io.send(topics.events(), "a2", events.encode(event("a2", T0.plus(Duration.ofMinutes(1)), "A", 5L, null)));
            FeatureVector a2 = awaitVector(io, topics, vectors, "a2", RUNNING);
            assertThat(a2.getLate()).isFalse();
            assertThat(dense(layout, a2, "k_count_10m")).isEqualTo(1f);
            assertThat(dense(layout, a2, "k_x_sum_10m")).isEqualTo(3f);
            assertThat(dense(layout, a2, "k_x_mean_10m")).isEqualTo(3f);

            // Earlier than a2 but after it in arrival: on time (the watermark is an hour behind), featurized at once,
            // seeing a1 and not a2, which is after its time.
            io.send(topics.events(), "a0", events.encode(event("a0", T0.plusSeconds(30), "A", 7L, null)));
            FeatureVector a0 = awaitVector(io, topics, vectors, "a0", RUNNING);
            assertThat(a0.getLate()).isFalse();
            assertThat(dense(layout, a0, "k_count_10m")).isEqualTo(1f);
            assertThat(dense(layout, a0, "k_x_sum_10m")).isEqualTo(3f);
        } finally {
            job.cancel().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void byEventTimeTheSameEventWaitsForTheWatermark(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("event-time"));
        IngestOptions options = watermarkHeldBack(kafka, topics).withFeatureTiming(FeatureTiming.EVENT_TIME);
        JobClient job = start(options);
        try (KafkaIO io = new KafkaIO(kafka.bootstrapServers());
             SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas())) {
            AvroCodec<Event> events = AvroCodec.of(Event.class, registry);
            AvroCodec<Rejected> rejections = AvroCodec.of(Rejected.class, registry);
            io.send(topics.events(), 0, "a1", events.encode(event("a1", T0, "A", 3L, null)));
            // Behind a1 in the same partition: once its dead letter is out, a1 has been read and passed validation.
            io.send(topics.events(), 0, "garbage", "not avro".getBytes(StandardCharsets.UTF_8));
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> io.readAll(topics.eventsDlq(), "read_uncommitted").stream()
                            .anyMatch(r -> rejections.decode(r).getSourceTopic().equals(topics.events())));
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(RUNNING).pollInterval(Duration.ofMillis(300))
                    .until(() -> io.readAll(topics.features(), "read_uncommitted").isEmpty());
        } finally {
            job.cancel().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static IngestOptions watermarkHeldBack(TestKafka kafka, Topics topics) {
        IngestOptions options = IngestOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()))
                .withTopicPrefix(topics.prefix())
                .withSpecLocation("classpath:specs/test.json")
                .withGroupId(topics.prefix() + "ingest")
                .withMaxOutOfOrderness(Duration.ofHours(1))
                .withSourceIdleness(Duration.ofHours(1))
                .withRestarts(RestartPolicy.none());
        IngestJob.ensureTopics(options);
        return options;
    }

    private static JobClient start(IngestOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(IngestJob.configuration(options));
        IngestJob.build(env, options);
        return env.executeAsync(IngestJob.NAME);
    }

    private static FeatureVector awaitVector(KafkaIO io, Topics topics, AvroCodec<FeatureVector> codec, String id,
                                             Duration atMost) {
        Map<String, FeatureVector> seen = new HashMap<>();
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (ConsumerRecord<String, byte[]> r : io.readAll(topics.features(), "read_uncommitted")) {
                seen.putIfAbsent(r.key(), codec.decode(r));
            }
            return seen.containsKey(id);
        });
        return seen.get(id);
    }

    private static float dense(FeatureLayout layout, FeatureVector v, String name) {
        return v.getDense().get(layout.denseSlot(name));
    }
}
