package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.deadletter.DeadLetters;
import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.Prediction;
import ai.factory.records.QualityReport;
import ai.factory.records.Rejected;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class FeedbackAppKafkaTest {

    @TempDir
    Path state;

    @Test
    void joinsOnARealBrokerDeadLettersGarbageAndWritesQuality(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("feedback-app");
        Topics topics = new Topics(prefix);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withTopicPrefix(prefix)
                .withApplicationId("app")
                .withJoin(new JoinSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1),
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withQuality(QualitySettings.defaults().withPanes(1).withCountWindow(10))
                .withState(state, false);
        int n = 30;
        try (FeedbackApp app = FeedbackApp.start(options, registry, new SimpleMeterRegistry());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer());
             var examples = new CommittedReader<>(kafka.bootstrapServers(), topics.examples(),
                     AvroSerde.of(LabeledExample.class, registry));
             var deadLetters = new CommittedReader<>(kafka.bootstrapServers(), options.deadLetterTopicName(),
                     AvroSerde.of(Rejected.class, registry));
             var quality = new CommittedReader<>(kafka.bootstrapServers(), topics.quality(),
                     AvroSerde.of(QualityReport.class, registry))) {
            var fv = AvroSerde.of(FeatureVector.class, registry);
            var pr = AvroSerde.of(Prediction.class, registry);
            var fb = AvroSerde.of(Feedback.class, registry);
            producer.send(new ProducerRecord<>(topics.feedback(), "garbage", "not avro".getBytes(StandardCharsets.UTF_8)));
            for (int i = 0; i < n; i++) {
                String id = "e" + i;
                long t = T0 + i * 1000L;
                producer.send(new ProducerRecord<>(topics.features(), id, fv.serialize(null, Records.features(id, t))));
                producer.send(new ProducerRecord<>(topics.predictions(), id,
                        pr.serialize(null, Records.prediction(id, t, 0.6, "m", 1))));
                producer.send(new ProducerRecord<>(topics.feedback(), id, fb.serialize(null, Records.feedback(id, 1.0, t + 60_000, "app"))));
            }
            producer.flush();

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> examples.poll().size() >= n);
            assertThat(examples.poll()).extracting(ConsumerRecord::key).doesNotHaveDuplicates().hasSize(n);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !deadLetters.poll().isEmpty());
            Rejected rejected = deadLetters.poll().get(0).value();
            assertThat(rejected.getReasonCode()).isEqualTo("BAD_HEADER");
            assertThat(rejected.getSourceTopic()).isEqualTo(topics.feedback());
            assertThat(rejected.getSourceOffset()).isGreaterThanOrEqualTo(0L);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> quality.poll().size() >= 3);
            List<QualityReport> reports = quality.poll().stream().map(ConsumerRecord::value).toList();
            assertThat(reports).allSatisfy(r -> assertThat(r.getCount()).isEqualTo(10L));
            assertThat(quality.poll()).extracting(ConsumerRecord::key).containsOnly("m/1");
            assertThat(app.state().isRunningOrRebalancing()).as("app alive (not stopped or in error): %s", app.state()).isTrue();
        }
    }

    /**
     * The demo's skew on a real broker: the app reads and commits every label (its stream time ten hours
     * ahead) before the first feature vector is written; every label still yields one example.
     */
    @Test
    void labelsReadLongBeforeTheirFeaturesStillJoin(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("feedback-skew");
        Topics topics = new Topics(prefix);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        String applicationId = prefix + "app";
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withTopicPrefix(prefix)
                .withApplicationId("app")
                .withJoin(new JoinSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1),
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withState(state, false);
        int n = 30;
        long spacing = Duration.ofMinutes(20).toMillis();
        try (FeedbackApp app = FeedbackApp.start(options, registry, new SimpleMeterRegistry());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer());
             var examples = new CommittedReader<>(kafka.bootstrapServers(), topics.examples(),
                     AvroSerde.of(LabeledExample.class, registry));
             var late = new CommittedReader<>(kafka.bootstrapServers(), topics.feedbackLate(),
                     AvroSerde.of(Feedback.class, registry));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var fv = AvroSerde.of(FeatureVector.class, registry);
            var pr = AvroSerde.of(Prediction.class, registry);
            var fb = AvroSerde.of(Feedback.class, registry);
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topics.feedback(), "e" + i,
                        fb.serialize(null, Records.feedback("e" + i, i % 2, T0 + i * spacing + 30 * 60_000L, "app"))));
            }
            producer.flush();
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> committed(admin, applicationId, topics.feedback()) == n);

            for (int i = 0; i < n; i++) {
                String id = "e" + i;
                long t = T0 + i * spacing;
                producer.send(new ProducerRecord<>(topics.features(), id, fv.serialize(null, Records.features(id, t))));
                producer.send(new ProducerRecord<>(topics.predictions(), id,
                        pr.serialize(null, Records.prediction(id, t, 0.6, "m", 1))));
            }
            producer.flush();

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> examples.poll().size() >= n);
            assertThat(examples.poll()).extracting(ConsumerRecord::key).doesNotHaveDuplicates().hasSize(n);
            assertThat(examples.poll()).allSatisfy(r -> assertThat(r.value().getServedScore()).isEqualTo(0.6));
            assertThat(late.poll()).isEmpty();
        }
    }

    /**
     * The other skew, as the demo met it on a real broker: the app reads and commits ten hours (ten windows) of
     * features and predictions before the first label is written. Every label within its window still yields
     * one example; the previous join had closed those windows on the served clock and sent the labels to late.
     */
    @Test
    void featuresReadLongBeforeTheirLabelsStillJoin(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("feedback-ahead");
        Topics topics = new Topics(prefix);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        String applicationId = prefix + "app";
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withTopicPrefix(prefix)
                .withApplicationId("app")
                .withJoin(new JoinSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1),
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withState(state, false);
        int n = 30;
        long spacing = Duration.ofMinutes(20).toMillis();
        try (FeedbackApp app = FeedbackApp.start(options, registry, new SimpleMeterRegistry());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer());
             var examples = new CommittedReader<>(kafka.bootstrapServers(), topics.examples(),
                     AvroSerde.of(LabeledExample.class, registry));
             var late = new CommittedReader<>(kafka.bootstrapServers(), topics.feedbackLate(),
                     AvroSerde.of(Feedback.class, registry));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var fv = AvroSerde.of(FeatureVector.class, registry);
            var pr = AvroSerde.of(Prediction.class, registry);
            var fb = AvroSerde.of(Feedback.class, registry);
            for (int i = 0; i < n; i++) {
                String id = "e" + i;
                long t = T0 + i * spacing;
                producer.send(new ProducerRecord<>(topics.features(), id, fv.serialize(null, Records.features(id, t))));
                producer.send(new ProducerRecord<>(topics.predictions(), id,
                        pr.serialize(null, Records.prediction(id, t, 0.6, "m", 1))));
            }
            producer.flush();
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> committed(admin, applicationId, topics.features()) == n
                            && committed(admin, applicationId, topics.predictions()) == n);

            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topics.feedback(), "e" + i,
                        fb.serialize(null, Records.feedback("e" + i, i % 2, T0 + i * spacing + 30 * 60_000L, "app"))));
            }
            producer.flush();

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> examples.poll().size() + late.poll().size() >= n);
            assertThat(late.poll()).isEmpty();
            assertThat(examples.poll()).extracting(ConsumerRecord::key).doesNotHaveDuplicates().hasSize(n);
            assertThat(examples.poll()).allSatisfy(r -> assertThat(r.value().getServedScore()).isEqualTo(0.6));
        }
    }

    /**
     * The scorer's lag on a real broker: the app reads and commits ten hours (ten windows) of features and their labels,
     * a minute after each event, before the first prediction is written (a model loading, or no champion yet). No
     * window closes while the predictions may still come, and every example carries the prediction that was served;
     * a join clock on features and labels alone had sent them out without it.
     */
    @Test
    void predictionsWrittenLongAfterTheirFeaturesAndLabelsStillJoin(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("feedback-scorer-lag");
        Topics topics = new Topics(prefix);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        String applicationId = prefix + "app";
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withTopicPrefix(prefix)
                .withApplicationId("app")
                .withJoin(new JoinSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1),
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withState(state, false);
        int n = 30;
        long spacing = Duration.ofMinutes(20).toMillis();
        try (FeedbackApp app = FeedbackApp.start(options, registry, new SimpleMeterRegistry());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer());
             var examples = new CommittedReader<>(kafka.bootstrapServers(), topics.examples(),
                     AvroSerde.of(LabeledExample.class, registry));
             var late = new CommittedReader<>(kafka.bootstrapServers(), topics.feedbackLate(),
                     AvroSerde.of(Feedback.class, registry));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var fv = AvroSerde.of(FeatureVector.class, registry);
            var pr = AvroSerde.of(Prediction.class, registry);
            var fb = AvroSerde.of(Feedback.class, registry);
            for (int i = 0; i < n; i++) {
                String id = "e" + i;
                long t = T0 + i * spacing;
                producer.send(new ProducerRecord<>(topics.features(), id, fv.serialize(null, Records.features(id, t))));
                producer.send(new ProducerRecord<>(topics.feedback(), id,
                        fb.serialize(null, Records.feedback(id, i % 2, t + 60_000L, "app"))));
            }
            producer.flush();
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> committed(admin, applicationId, topics.features()) == n
                            && committed(admin, applicationId, topics.feedback()) == n);
            // Outputs commit in the same transactions as the input offsets: whatever the join emitted is visible.
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> examples.poll().isEmpty()); // no window closes while its prediction may still come

            for (int i = 0; i < n; i++) {
                String id = "e" + i;
                producer.send(new ProducerRecord<>(topics.predictions(), id,
                        pr.serialize(null, Records.prediction(id, T0 + i * spacing, 0.6, "m", 1))));
            }
            producer.flush();

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> examples.poll().size() >= n);
            assertThat(examples.poll()).extracting(ConsumerRecord::key).doesNotHaveDuplicates().hasSize(n);
            assertThat(examples.poll()).allSatisfy(r -> assertThat(r.value().getServedScore()).isEqualTo(0.6));
            assertThat(late.poll()).isEmpty();
        }
    }

    /**
     * A value of nearly the {@code feedback} topic's max.message.bytes, refused before decoding as far over a label's
     * size ({@code InputLimits}): its dead letter carries a
     * bounded prefix with the whole size and SHA-256 (a copy of it all would be over the limit and fail every write),
     * and the next label on its partition joins (policy first: at once).
     */
    @Test
    void aRecordOfNearlyTheTopicsLimitIsDeadLetteredWithABoundedPayload(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("feedback-huge");
        Topics topics = new Topics(prefix);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withTopicPrefix(prefix)
                .withApplicationId("app")
                .withJoin(new JoinSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1),
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withState(state, false);
        try (FeedbackApp app = FeedbackApp.start(options, registry, new SimpleMeterRegistry());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                     "max.request.size", 2 << 20), new StringSerializer(), new ByteArraySerializer());
             var examples = new CommittedReader<>(kafka.bootstrapServers(), topics.examples(),
                     AvroSerde.of(LabeledExample.class, registry));
             var deadLetters = new CommittedReader<>(kafka.bootstrapServers(), options.deadLetterTopicName(),
                     AvroSerde.of(Rejected.class, registry));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var fv = AvroSerde.of(FeatureVector.class, registry);
            var pr = AvroSerde.of(Prediction.class, registry);
            var fb = AvroSerde.of(Feedback.class, registry);
            // What is left below the limit is the record's own overhead; the first byte is not Avro's C3.
            byte[] huge = new byte[maxMessageBytes(admin, topics.feedback()) - 120];
            new Random(16).nextBytes(huge);
            huge[0] = 0;
            var where = producer.send(new ProducerRecord<>(topics.feedback(), "e0", huge)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topics.features(), "e0", fv.serialize(null, Records.features("e0", T0))));
            producer.send(new ProducerRecord<>(topics.predictions(), "e0",
                    pr.serialize(null, Records.prediction("e0", T0, 0.6, "m", 1))));
            producer.send(new ProducerRecord<>(topics.feedback(), "e0", fb.serialize(null, Records.feedback("e0", 1.0, T0 + 60_000, "app"))));
            producer.flush();

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !deadLetters.poll().isEmpty());
            Rejected rejected = deadLetters.poll().get(0).value();
            assertThat(rejected.getReasonCode()).isEqualTo("TOO_LARGE");
            assertThat(rejected.getSourcePartition()).isEqualTo(where.partition());
            assertThat(rejected.getSourceOffset()).isEqualTo(where.offset());
            assertThat(rejected.getOriginalSize()).isEqualTo(huge.length);
            assertThat(rejected.getOriginal().array()).isEqualTo(Arrays.copyOf(huge, DeadLetters.MAX_ORIGINAL_BYTES));
            assertThat(rejected.getOriginalSha256())
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(huge)));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !examples.poll().isEmpty());
            assertThat(examples.poll()).extracting(ConsumerRecord::key).containsExactly("e0");
            assertThat(app.state().isRunningOrRebalancing()).as("app alive (not stopped or in error): %s", app.state()).isTrue();
        }
    }

    /**
     * A dead letter the broker refuses every time (its topic accepts nothing that large): the app replaces its stream
     * thread within its budget, then stops with the reason instead of replacing it in a hot loop.
     */
    @Test
    void aDeadLetterTheBrokerKeepsRefusingStopsTheAppAfterItsReplacements(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("feedback-dlq-refused");
        Topics topics = new Topics(prefix);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        // A replaced thread's group waits for the failed member's session to time out: the broker's shortest.
        KafkaConnection connection = new KafkaConnection(kafka.bootstrapServers(), Map.of("session.timeout.ms", "6000"));
        FeedbackOptions options = FeedbackOptions.defaults(connection).withTopicPrefix(prefix)
                .withApplicationId("app")
                .withState(state, false);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(options.deadLetterTopicName(), options.partitions(), (short) 1)
                    // Room for a transaction marker (about 80 bytes), not for a dead letter (about 350).
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "200")))).all().get(30, TimeUnit.SECONDS);
        }
        ReplacementBudget budget = new ReplacementBudget(2, Duration.ofMinutes(5), Duration.ofMillis(100),
                Duration.ofMillis(200));
        try (FeedbackApp app = FeedbackApp.start(options, registry, new SimpleMeterRegistry(), budget);
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.feedback(), "garbage", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);

            ExecutorService waiter = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<String>> stop = waiter.submit(app::awaitStop);
                Optional<String> reason = stop.get(180, TimeUnit.SECONDS);
                assertThat(reason).hasValueSatisfying(r -> assertThat(r)
                        .startsWith("stream thread failed again after its replacements (3 failures within PT5M)")
                        .contains("RecordTooLargeException")
                        .doesNotContain("\n"));
                assertThat(app.state()).isEqualTo(KafkaStreams.State.ERROR);
            } finally {
                waiter.shutdownNow();
            }
        }
    }

    private static int maxMessageBytes(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return Integer.parseInt(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    /** Offsets the app has committed on {@code topic}, summed over its partitions. */
    private static long committed(Admin admin, String groupId, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }
}
