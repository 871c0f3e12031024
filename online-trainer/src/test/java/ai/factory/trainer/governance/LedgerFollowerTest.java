package ai.factory.trainer.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseSpec;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.release.PromotionGate;
import ai.factory.trainer.release.ReleaseFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The trainer's view of the models topic on the embedded broker. */
@ExtendWith(KafkaExtension.class)
class LedgerFollowerTest {

    private static final ModelConfig MODEL = ModelConfig.logistic(4, 3, 64);
    private static final ReleaseSpec SPEC = new ReleaseSpec("flights", 1);

    /** The bug the 200,000-flight demo found: reading back a candidate record undid its promotion, and the trainer reset. */
    @Test
    void readingBackItsOwnEarlierRecordDoesNotUndoALaterDecision(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("follower"));
        KafkaConnection connection = KafkaConnection.of(kafka.bootstrapServers());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 1));
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of(topics.models(), topics.qualityPaired(), topics.schemas())).allTopicNames()
                            .get(5, TimeUnit.SECONDS).size() == 3);
        }
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(connection, topics.schemas()).open();
             KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), AvroSerde.of(ModelRelease.class, registry))) {
            ModelRelease initial = release(1, ReleaseStatus.CHAMPION);
            producer.send(new ProducerRecord<>(topics.models(), "m/1", initial)).get();
            try (LedgerFollower follower = LedgerFollower.open(connection, registry, "m", SPEC, topics.models(),
                    topics.qualityPaired(), Duration.ofSeconds(30))) {
                assertThat(follower.ledger().champion("m", SPEC)).map(ReleaseFacts::version).contains(1L);

                ModelRelease candidate = release(2, ReleaseStatus.CANDIDATE);
                ModelRelease promoted = ModelRelease.newBuilder(candidate).setStatus(ReleaseStatus.CHAMPION)
                        .setStatusBy(ReleaseActor.AUTOMATIC).setStatusReason("online: better").build();
                follower.applyWritten(candidate);
                follower.applyWritten(promoted);
                assertThat(follower.ledger().champion("m", SPEC)).map(ReleaseFacts::version).contains(2L);

                // The candidate record comes back first: v2 stays champion, before and after the promotion is read.
                producer.send(new ProducerRecord<>(topics.models(), "m/2", candidate)).get();
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    follower.poll();
                    assertThat(follower.ledger().champion("m", SPEC)).map(ReleaseFacts::version).contains(2L);
                    return follower.ledger().release("m", 2).orElseThrow().status() == ReleaseStatus.CHAMPION;
                });
                producer.send(new ProducerRecord<>(topics.models(), "m/2", promoted)).get();
                producer.send(new ProducerRecord<>(topics.models(), "m/3", release(3, ReleaseStatus.CANDIDATE))).get();
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    follower.poll();
                    return follower.ledger().release("m", 3).isPresent();
                });
                assertThat(follower.ledger().champion("m", SPEC)).map(ReleaseFacts::version).contains(2L);
                assertThat(follower.release(2)).as("the champion is kept with its graph").isPresent();
            }
        }
    }

    private static ModelRelease release(long version, ReleaseStatus status) {
        return ReleaseFactory.build("m", SPEC.name(), SPEC.version(), MODEL, TrainingState.initial(MODEL).params(),
                new ReleaseFactory.Lineage(version, version == 1 ? null : version - 1, 0, null, 0, "examples", Map.of()),
                new PromotionGate.Decision(status, "test"), Map.of(), Map.of());
    }
}
