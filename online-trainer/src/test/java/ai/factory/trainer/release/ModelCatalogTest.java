package ai.factory.trainer.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import ai.factory.trainer.job.StartingPoint;
import ai.factory.trainer.job.TrainerJob;
import ai.factory.trainer.job.TrainerOptions;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** list / promote / rollback / import over a real models topic, and the warm start the trainer takes from it. */
@ExtendWith(KafkaExtension.class)
class ModelCatalogTest {

    private static final ModelConfig CONFIG = ModelConfig.deep(2, 2, 16).withArchitecture(2, List.of(4));

    @Test
    void importPromoteRollbackAndWarmStart(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("catalog"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 1));
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of(topics.schemas(), topics.models())).allTopicNames().get(5, TimeUnit.SECONDS).size() == 2);
        }
        TrainerOptions options = TrainerOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()), topics, "m", "flights", 1, CONFIG)
                .withInitialRelease(false);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            assertThat(TrainerJob.startingPoint(options)).isEqualTo(StartingPoint.fresh());

            var first = TrainingState.initial(CONFIG).params();
            var second = TrainingState.initial(CONFIG.withSeed(7)).params();
            ModelRelease v1 = catalog.importModel("m", onnx(first), "flights", 1, "file:first.onnx");
            ModelRelease v2 = catalog.importModel("m", onnx(second), "flights", 1, "file:second.onnx");
            assertThat(List.of(v1.getVersion(), v2.getVersion())).containsExactly(1L, 2L);
            assertThat(catalog.list("m")).extracting(ModelRelease::getStatus).containsOnly(ReleaseStatus.CANDIDATE);
            assertThat(catalog.champion("m")).isEmpty();

            catalog.promote("m", 1, "");
            catalog.promote("m", 2, "better on last week");
            assertThat(catalog.champion("m")).map(ModelRelease::getVersion).contains(2L);

            // The trainer warm-starts from the champion, numbers its releases after the newest, and gates against it.
            StartingPoint start = TrainerJob.startingPoint(options);
            assertThat(start.parentVersion()).isEqualTo(2L);
            assertThat(start.nextVersion()).isEqualTo(3L);
            assertThat(start.params()).isEqualTo(second);
            assertThat(start.championParams()).isEqualTo(second);
            StartingPoint fromV1 = TrainerJob.startingPoint(options.withWarmStart(TrainerOptions.WarmStart.VERSION, 1));
            assertThat(fromV1.params()).isEqualTo(first);
            assertThat(fromV1.championVersion()).isEqualTo(2L);

            assertThat(catalog.rollback("m", "")).map(ModelRelease::getVersion).contains(1L);
            assertThat(catalog.find("m", 2).getStatus()).isEqualTo(ReleaseStatus.ROLLED_BACK);
            assertThat(catalog.find("m", 2).getStatusReason()).isEqualTo("rolled back by operator");
            assertThat(catalog.find("m", 2).getStatusBy()).isEqualTo(ai.factory.records.ReleaseActor.OPERATOR);
            assertThat(catalog.champion("m")).map(ModelRelease::getVersion).contains(1L);

            TrainerOptions wrongShape = options.withModel(ModelConfig.deep(2, 2, 32).withArchitecture(2, List.of(4)));
            assertThatThrownBy(() -> TrainerJob.startingPoint(wrongShape)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * An undecodable record between two releases on {@code models}: skipped with a warning by every read; listing,
     * promote, roll back and the trainer's start-up work on the good ones. Listings carry no ONNX graphs.
     */
    @Test
    void anUndecodableRecordBetweenTwoReleasesIsSkipped(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("catalog-bad"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 1));
        }
        TrainerOptions options = TrainerOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()), topics, "m", "flights", 1, CONFIG)
                .withInitialRelease(false);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry);
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            var first = TrainingState.initial(CONFIG).params();
            var second = TrainingState.initial(CONFIG.withSeed(7)).params();
            catalog.importModel("m", onnx(first), "flights", 1, "file:first.onnx");
            producer.send(new ProducerRecord<>(topics.models(), "m/7", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
            catalog.importModel("m", onnx(second), "flights", 1, "file:second.onnx");

            assertThat(catalog.releases()).extracting(ModelRelease::getVersion).containsExactly(1L, 2L);
            assertThat(catalog.skipped()).isEqualTo(1);
            assertThat(catalog.releases()).allSatisfy(r -> assertThat(r.getOnnx().remaining()).isZero());
            assertThat(catalog.list("m")).allSatisfy(r -> assertThat(r.getOnnx().remaining()).isPositive());

            catalog.promote("m", 1, "");
            catalog.promote("m", 2, "");
            StartingPoint start = TrainerJob.startingPoint(options);
            assertThat(start.parentVersion()).isEqualTo(2L);
            assertThat(start.nextVersion()).isEqualTo(3L);
            assertThat(start.params()).isEqualTo(second);

            assertThat(catalog.rollback("m", "")).map(ModelRelease::getVersion).contains(1L);
            ModelRelease champion = catalog.champion("m").orElseThrow();
            assertThat(champion.getVersion()).isEqualTo(1L);
            assertThat(champion.getOnnx().remaining()).isPositive();
            assertThat(catalog.skipped()).isEqualTo(1);
        }
    }

    /**
     * A release above the Kafka producer's default 32 MiB buffer (a wide embedding table; an imported model with a
     * large vocabulary reaches it) is published and read back whole: the limit is the models topic's 64 MiB.
     */
    @Test
    void aReleaseLargerThanTheProducersDefaultBufferIsPublishedAndReadBack(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("catalog-large"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 1));
        }
        ModelConfig wide = ModelConfig.deep(2, 2, 1 << 19).withArchitecture(20, List.of(4));
        byte[] onnx = ModelGraphs.inference(wide, TrainingState.initial(wide).params(), Map.of()).toByteArray();
        assertThat(onnx.length).as("above the producer's default buffer.memory").isGreaterThan(32 * 1024 * 1024);
        try (SchemaRegistry registry = TrainerOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()), topics, "m", "flights", 1,
                     wide).registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            catalog.importModel("m", onnx, "flights", 1, "file:wide.onnx");
            assertThat(catalog.find("m", 1).getOnnx().remaining()).isEqualTo(onnx.length);
        }
    }

    private static byte[] onnx(Map<String, FloatTensor> params) {
        return ModelGraphs.inference(CONFIG, params, Map.of()).toByteArray();
    }
}
