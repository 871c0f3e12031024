package ai.factory.ingest.job;

import static ai.factory.ingest.Events.T0;
import static ai.factory.ingest.Events.event;
import static ai.factory.ingest.Events.feedback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.deadletter.DeadLetters;
import ai.factory.flink.RestartPolicy;
import ai.factory.ingest.features.CategoryHasher;
import ai.factory.ingest.features.FeatureLayout;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
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
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a Flink MiniCluster against the embedded broker: hand-made events and feedback in,
 * exact feature values and dead letters out; run at parallelism 2 and 1 on the same input, in event-time timing.
 */
@ExtendWith(KafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private final Map<String, FeatureVector> features = new LinkedHashMap<>();
    private final Map<String, FeatureVector> featuresAtParallelismOne = new LinkedHashMap<>();
    private final List<Rejected> rejected = new ArrayList<>();
    private final Map<String, RecordMetadata> written = new HashMap<>();
    private byte[] nearLimit;
    private FeatureLayout layout;
    private Topics topics;

    private boolean ran;

    /**
     * Runs the job once for all tests of the class; from a test method because the MiniCluster extension
     * binds the stream environment per test.
     */
    @BeforeEach
    void runTheJobOverHandMadeInputOnce(TestKafka kafka) throws Exception {
        if (ran) {
            return;
        }
        ran = true;
        topics = new Topics(TestKafka.uniquePrefix("features"));
        Topics single = new Topics(TestKafka.uniquePrefix("features-p1"));
        writeInput(kafka, single);
        writeInput(kafka, topics);   // last, so "written" holds where this run's bad records went
        layout = runBounded(kafka, topics, 2);
        runBounded(kafka, single, 1);
        try (KafkaIO io = new KafkaIO(kafka.bootstrapServers());
             SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas())) {
            AvroCodec<FeatureVector> vectors = AvroCodec.of(FeatureVector.class, registry);
            for (ConsumerRecord<String, byte[]> r : io.readAll(topics.features(), "read_committed")) {
                FeatureVector v = vectors.decode(r);
                assertThat(r.key()).isEqualTo(v.getEventId());
                assertThat(features.put(v.getEventId(), v)).as("duplicate vector for %s", r.key()).isNull();
            }
            for (ConsumerRecord<String, byte[]> r : io.readAll(single.features(), "read_committed")) {
                FeatureVector v = vectors.decode(r);
                featuresAtParallelismOne.put(v.getEventId(), v);
            }
            AvroCodec<Rejected> dlq = AvroCodec.of(Rejected.class, registry);
            io.readAll(topics.eventsDlq(), "read_committed").forEach(r -> rejected.add(dlq.decode(r)));
        }
    }

    @Test
    void everyGoodEventGetsExactlyOneVectorOfTheSpec() {
        assertThat(features).containsOnlyKeys("a1", "b1", "a2", "a3", "a4", "a5", "b2");
        FeatureVector a1 = features.get("a1");
        assertThat(a1.getSpecName()).isEqualTo("test");
        assertThat(a1.getSpecVersion()).isEqualTo(3);
        assertThat(a1.getSparseBuckets()).isEqualTo(1000);
        assertThat(a1.getEventTime()).isEqualTo(T0);
        assertThat(a1.getEntity()).isEqualTo("entity-a1");
        assertThat(a1.getLate()).isFalse();
        assertThat(features.values()).allSatisfy(v -> {
            assertThat(v.getDense()).hasSize(13);
            assertThat(v.getSparse()).hasSize(4);
        });
    }

    @Test
    void statelessFeaturesHaveTheirExactValues() {
        FeatureVector a1 = features.get("a1");
        assertThat(dense(a1, "x_raw")).isEqualTo(3f);
        assertThat(dense(a1, "x_log")).isEqualTo((float) Math.log1p(3));
        assertThat(dense(features.get("b1"), "x_clip")).isEqualTo(10f);
        assertThat(dense(a1, "hour")).isEqualTo(10f);
        assertThat(dense(a1, "dow.sin")).isCloseTo((float) Math.sin(2 * Math.PI / 7), within(1e-6f));
        assertThat(a1.getSparse()).containsExactly(CategoryHasher.id("k", "A", 0, 1000), CategoryHasher.id("c", "red", 4, 1000),
                CategoryHasher.id("kc", "A\u00d7red", 0, 1000), CategoryHasher.id("hour_cat", "10", 0, 1000));
    }

    @Test
    void windowAggregatesAreRightAtTheWindowEdges() {
        assertWindow("a1", 0, 0, 0);
        assertWindow("b1", 0, 0, 0);
        assertWindow("a2", 1, 3, 3);
        assertWindow("a3", 2, 6, 3);   // a1 at exactly t - 10 min is out, the tie a4 is in
        assertWindow("a4", 2, 12, 6);
        assertWindow("a5", 2, 8, 4);   // a2 at exactly t - 10 min is out
    }

    @Test
    void feedbackAggregatesUseOnlyFeedbackDatedBeforeTheEvent() {
        assertThat(dense(features.get("a1"), "k_label_mean_1h")).isZero();
        assertThat(dense(features.get("b1"), "k_label_mean_1h")).isZero();
        assertThat(dense(features.get("a2"), "k_label_mean_1h")).isEqualTo(1f);
        // a2's label at exactly a3's and a4's time does not count: with no label delay it may be their own outcome.
        assertThat(dense(features.get("a3"), "k_label_mean_1h")).isEqualTo(1f);
        assertThat(dense(features.get("a4"), "k_label_mean_1h")).isEqualTo(1f);
        // a3's label 1 ms after a3 and a5's own label 1 s after a5 (written before the events) never count.
        assertThat(dense(features.get("a5"), "k_label_mean_1h")).isCloseTo(2f / 3, within(1e-6f));
    }

    @Test
    void standardizationUsesTheRunningMomentsOfAllEventsUpToTheEventTime() {
        Map<String, double[]> input = Map.of("a1", new double[]{0, 3}, "b1", new double[]{1, 100}, "a2", new double[]{5, 5},
                "a3", new double[]{10, 7}, "a4", new double[]{10, 1}, "a5", new double[]{15, 2});
        input.forEach((id, tx) -> {
            double[] seen = input.values().stream().filter(o -> o[0] <= tx[0]).mapToDouble(o -> o[1]).toArray();
            double mean = java.util.Arrays.stream(seen).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(seen).map(x -> (x - mean) * (x - mean)).sum() / seen.length);
            double expected = sd == 0 ? 0 : (tx[1] - mean) / sd;
            assertThat(dense(features.get(id), "x_z")).as("x_z of %s", id).isCloseTo((float) expected, within(1e-5f));
        });
    }

    @Test
    void parallelismOneGivesTheSameFeatures() {
        assertThat(featuresAtParallelismOne).hasSameSizeAs(features);
        features.forEach((id, v) -> {
            FeatureVector other = featuresAtParallelismOne.get(id);
            assertThat(other.getDense()).as(id).isEqualTo(v.getDense());
            assertThat(other.getSparse()).as(id).isEqualTo(v.getSparse());
        });
    }

    @Test
    void anEventDatedAheadMovesNoWatermark() {
        // b2 was read after an event dated 2100 on its partition: dead-lettered before the watermark generator, it left
        // the watermark where it was, so b2 is neither late nor dropped (b1, its key's only other event, is out of its
        // window).
        FeatureVector b2 = features.get("b2");
        assertThat(b2).isNotNull();
        assertThat(b2.getLate()).isFalse();
        assertWindow("b2", 0, 0, 0);
    }

    @Test
    void eachKindOfInvalidInputLandsInTheDeadLetterTopicWithItsReason() {
        Map<String, String> byId = rejected.stream().filter(r -> r.getEventId() != null)
                .collect(Collectors.toMap(Rejected::getEventId, Rejected::getReasonCode));
        assertThat(byId).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("bad-missing", "MISSING_FIELD"),
                Map.entry("bad-type", "WRONG_TYPE"),
                Map.entry("bad-nan", "NOT_FINITE"),
                Map.entry("bad-log", "NOT_FINITE"),
                Map.entry("bad-old", "TIME_OUT_OF_BOUNDS"),
                Map.entry("bad-future", "TIME_OUT_OF_BOUNDS"),
                Map.entry("bad-2100", "TIME_OUT_OF_BOUNDS"),
                Map.entry("bad-long", "TOO_LARGE"),
                Map.entry("bad-key", "KEY_MISMATCH"),
                Map.entry("bad-no-key", "MISSING_KEY"),
                Map.entry("a1", "DUPLICATE")));
        List<Rejected> anonymous = rejected.stream().filter(r -> r.getEventId() == null).toList();
        assertThat(anonymous).extracting(Rejected::getReasonCode)
                .containsExactlyInAnyOrder("UNDECODABLE", "UNDECODABLE", "TOO_LARGE", "UNDECODABLE", "TOO_LARGE", "UNDECODABLE",
                        "TOO_LARGE");
        for (String name : List.of("garbage", "empty", "huge", "feedback-garbage", "bomb", "stranger", "near-limit")) {
            RecordMetadata where = written.get(name);
            Rejected r = anonymous.stream().filter(x -> x.getSourceTopic().equals(where.topic())
                    && x.getSourcePartition() == where.partition() && x.getSourceOffset() == where.offset()).findFirst().orElseThrow();
            assertThat(r.getRejectedBy()).isEqualTo(IngestJob.NAME + " test v3");
        }
        Rejected garbage = anonymous.stream().filter(x -> x.getSourceOffset() == written.get("garbage").offset()
                && x.getSourcePartition() == written.get("garbage").partition()
                && x.getSourceTopic().equals(topics.events())).findFirst().orElseThrow();
        assertThat(garbage.getReason()).contains("BAD_HEADER");
        assertThat(reasonAt(anonymous, "bomb")).contains("TOO_LARGE");
        assertThat(reasonAt(anonymous, "stranger")).contains("UNKNOWN_SCHEMA");
        assertThat(StandardCharsets.UTF_8.decode(garbage.getOriginal()).toString()).isEqualTo("not avro at all");
        // The repeated a1 is dead-lettered at its own position; the first delivery made the vector.
        Rejected duplicate = rejected.stream().filter(r -> "a1".equals(r.getEventId())).findFirst().orElseThrow();
        assertThat(duplicate.getSourceTopic()).isEqualTo(topics.events());
        assertThat(duplicate.getSourceOffset()).isEqualTo(written.get("a1-again").offset());
        assertThat(duplicate.getSourcePartition()).isEqualTo(written.get("a1-again").partition());
    }

    @Test
    void aRecordOfNearlyTheTopicsLimitIsDeadLetteredWithABoundedPayload() throws Exception {
        RecordMetadata where = written.get("near-limit");
        Rejected r = rejected.stream().filter(x -> x.getSourceTopic().equals(where.topic())
                && x.getSourcePartition() == where.partition() && x.getSourceOffset() == where.offset()).findFirst().orElseThrow();
        assertThat(r.getOriginalSize()).isEqualTo(nearLimit.length);
        assertThat(r.getOriginal().remaining()).isEqualTo(DeadLetters.MAX_ORIGINAL_BYTES);
        assertThat(r.getOriginal().array()).isEqualTo(java.util.Arrays.copyOf(nearLimit, DeadLetters.MAX_ORIGINAL_BYTES));
        assertThat(r.getOriginalSha256())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(nearLimit)));
        // The next record of its partition, a good event, was processed.
        assertThat(written.get("b2").partition()).isEqualTo(where.partition());
        assertThat(written.get("b2").offset()).isEqualTo(where.offset() + 1);
        assertThat(features).containsKey("b2");
    }

    private FeatureLayout runBounded(TestKafka kafka, Topics t, int parallelism) throws Exception {
        IngestOptions options = IngestOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()))
                .withTopicPrefix(t.prefix())
                .withSpecLocation("classpath:specs/test.json")
                .withParallelism(parallelism)
                .withBounded(true)
                .withGroupId(t.prefix() + "ingest")
                .withMaxOutOfOrderness(Duration.ofSeconds(1))
                // The exact values below (ties, edges, parallelism 1 = 2) hold for event-time order, not arrival order.
                .withFeatureTiming(FeatureTiming.EVENT_TIME)
                .withCheckpointInterval(Duration.ofSeconds(1))
                .withRestarts(RestartPolicy.none());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(IngestJob.configuration(options));
        FeatureLayout built = IngestJob.build(env, options);
        JobClient client = env.executeAsync(IngestJob.NAME);
        try {
            client.getJobExecutionResult().get(120, TimeUnit.SECONDS);
        } finally {
            if (!client.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        return built;
    }

    private void writeInput(TestKafka kafka, Topics t) throws Exception {
        IngestJob.ensureTopics(IngestOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withTopicPrefix(t.prefix()));
        try (KafkaIO io = new KafkaIO(kafka.bootstrapServers());
             SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), t.schemas())) {
            AvroCodec<Event> events = AvroCodec.of(Event.class, registry);
            AvroCodec<Feedback> labels = AvroCodec.of(Feedback.class, registry);
            // Feedback first, so some of it is read before the events it is about.
            sendFeedback(io, t, labels, feedback("a1", 1, T0.plus(Duration.ofMinutes(4))));
            sendFeedback(io, t, labels, feedback("b1", 0, T0.plus(Duration.ofMinutes(6))));
            sendFeedback(io, t, labels, feedback("a2", 0, T0.plus(Duration.ofMinutes(10))));
            sendFeedback(io, t, labels, feedback("a3", 1, T0.plus(Duration.ofMinutes(10)).plusMillis(1)));
            sendFeedback(io, t, labels, feedback("a5", 1, T0.plus(Duration.ofMinutes(15)).plusSeconds(1)));
            written.put("feedback-garbage", io.send(t.feedback(), "x", "garbage".getBytes(StandardCharsets.UTF_8)));

            sendEvent(io, t, events, event("a1", T0, "A", 3L, "red"));
            sendEvent(io, t, events, event("b1", T0.plus(Duration.ofMinutes(1)), "B", 100L, null));
            written.put("a1-again", io.send(t.events(), "a1", events.encode(event("a1", T0, "A", 3L, "red"))));   // a duplicate delivery
            sendEvent(io, t, events, event("a2", T0.plus(Duration.ofMinutes(5)), "A", 5L, null));
            sendEvent(io, t, events, event("a3", T0.plus(Duration.ofMinutes(10)), "A", 7.0, null));
            sendEvent(io, t, events, event("a4", T0.plus(Duration.ofMinutes(10)), "A", 1L, null));
            sendEvent(io, t, events, event("a5", T0.plus(Duration.ofMinutes(15)), "A", 2L, null));

            written.put("garbage", io.send(t.events(), "garbage", "not avro at all".getBytes(StandardCharsets.UTF_8)));
            written.put("empty", io.send(t.events(), "empty", new byte[0]));
            // An id claiming 2 GiB (the dead letter costs no allocation) and a schema fingerprint no one registered.
            written.put("bomb", io.send(t.events(), "bomb", lengthBomb(events.encode(event("bomb", T0, "A", 1L, null)))));
            byte[] stranger = events.encode(event("stranger", T0, "A", 1L, null));
            stranger[5] ^= 0x5A;
            written.put("stranger", io.send(t.events(), "stranger", stranger));
            sendEvent(io, t, events, Events.withoutKey("bad-missing"));
            sendEvent(io, t, events, event("bad-type", T0, "A", "seven", null));
            sendEvent(io, t, events, event("bad-nan", T0, "A", Double.NaN, null));
            sendEvent(io, t, events, event("bad-log", T0, "A", -2L, null));
            sendEvent(io, t, events, event("bad-old", Instant.parse("1999-01-01T00:00:00Z"), "A", 1L, null));
            sendEvent(io, t, events, event("bad-future", Instant.now().plus(Duration.ofDays(2)), "A", 1L, null));
            // On one partition (one Kafka key), an event dated 2100, then one after it: the watermark never saw the
            // first, so the second is on time.
            io.send(t.events(), "b2", events.encode(event("bad-2100", Instant.parse("2100-01-01T00:00:00Z"), "A", 1L, null)));
            // A value of nearly the topic's max.message.bytes (what is left is the record's own overhead): a dead
            // letter carrying all of it would be over the limit. The good event after it on its partition still comes.
            nearLimit = new byte[io.maxMessageBytes(t.events()) - 120];
            new java.util.Random(16).nextBytes(nearLimit);
            written.put("near-limit", io.send(t.events(), "b2", nearLimit));
            written.put("b2", io.send(t.events(), "b2", events.encode(event("b2", T0.plus(Duration.ofMinutes(20)), "B", 4L, null))));
            sendEvent(io, t, events, event("bad-long", T0, "A", 1L, "c".repeat(40)));
            io.send(t.events(), "another-id", events.encode(event("bad-key", T0, "A", 1L, null)));
            io.send(t.events(), null, events.encode(event("bad-no-key", T0, "A", 1L, null)));
            Map<String, Object> huge = new HashMap<>(Map.of("k", "A", "x", 1L, "c", "c"));
            for (int i = 0; i < 5; i++) {
                huge.put("blob" + i, "b".repeat(500));
            }
            written.put("huge", io.send(t.events(), "huge", events.encode(event("huge", T0, huge))));
        }
    }

    /** {@code encoded} with its id's length (the first field, after the 10-byte header) claiming 2 GiB. */
    private static byte[] lengthBomb(byte[] encoded) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(encoded, 0, 10);
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null);
        encoder.writeLong(Integer.MAX_VALUE - 100L);
        encoder.flush();
        out.write(encoded, 11, encoded.length - 11);
        return out.toByteArray();
    }

    private String reasonAt(List<Rejected> anonymous, String name) {
        RecordMetadata where = written.get(name);
        return anonymous.stream().filter(x -> x.getSourceTopic().equals(where.topic()) && x.getSourcePartition() == where.partition()
                && x.getSourceOffset() == where.offset()).findFirst().orElseThrow().getReason();
    }

    private static void sendEvent(KafkaIO io, Topics t, AvroCodec<Event> codec, Event event) throws Exception {
        io.send(t.events(), event.getId(), codec.encode(event));
    }

    private static void sendFeedback(KafkaIO io, Topics t, AvroCodec<Feedback> codec, Feedback f) throws Exception {
        io.send(t.feedback(), f.getEventId(), codec.encode(f));
    }

    private void assertWindow(String id, double count, double sum, double mean) {
        FeatureVector v = features.get(id);
        assertThat(dense(v, "k_count_10m")).as("count of %s", id).isEqualTo((float) count);
        assertThat(dense(v, "k_x_sum_10m")).as("sum of %s", id).isEqualTo((float) sum);
        assertThat(dense(v, "k_x_mean_10m")).as("mean of %s", id).isEqualTo((float) mean);
    }

    private float dense(FeatureVector v, String name) {
        return v.getDense().get(layout.denseSlot(name));
    }

    /** Test events that need more than the shared helpers. */
    private static final class Events {
        static Event withoutKey(String id) {
            return ai.factory.ingest.Events.event(id, T0, new HashMap<>(Map.of("x", 1L)));
        }
    }
}
