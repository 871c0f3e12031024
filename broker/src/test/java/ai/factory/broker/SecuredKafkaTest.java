package ai.factory.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The secured embedded broker: a principal with prefixed ACLs does all its work on its prefix and nothing elsewhere. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecuredKafkaTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret-1";
    private static final String PREFIX = "acme-";

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSecured();
        kafka.security().createUser(USER, PASSWORD);
        kafka.security().grantPrefixed(USER, PREFIX);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aPrefixedPrincipalCreatesProducesConsumesCommitsAndTransactsOnItsPrefix() throws Exception {
        Map<String, Object> alice = kafka.security().clientConfig(USER, PASSWORD);
        String topic = PREFIX + "events";
        try (Admin admin = Admin.create(alice)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (var producer = new KafkaProducer<>(with(alice, Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k1", "plain")).get(30, TimeUnit.SECONDS);
        }
        try (var producer = new KafkaProducer<>(with(alice, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, PREFIX + "tx-1")),
                new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k2", "in a transaction"));
            producer.commitTransaction();
        }
        String group = PREFIX + "readers";
        try (var consumer = new KafkaConsumer<>(with(alice, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= 2;
            });
            assertThat(seen).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("plain", "in a transaction");
            consumer.commitSync(Duration.ofSeconds(30));
        }
        try (Admin admin = Admin.create(alice)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                    .as("offsets committed past both records (and the transaction marker)").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void thePrincipalIsRefusedEverythingOutsideItsPrefix() {
        Map<String, Object> alice = kafka.security().clientConfig(USER, PASSWORD);
        try (Admin admin = Admin.create(alice)) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("other-events", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> admin.listConsumerGroupOffsets("other-readers")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(GroupAuthorizationException.class);
        }
        try (var producer = new KafkaProducer<>(with(alice, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000)),
                new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("other-events", "k", "v")).get(30, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (var producer = new KafkaProducer<>(with(alice, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "other-tx", ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000)),
                new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordFailsAuthentication() {
        Map<String, Object> wrong = with(kafka.security().clientConfig(USER, "not-the-password"),
                Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aClientFileReadsItsPasswordFromTheEnvironmentAndHoldsNoSecret(@TempDir Path dir) throws Exception {
        String password = System.getenv("FACTORY_TEST_KAFKA_PASSWORD");
        assertThat(password).as("set by the broker module's surefire configuration").isNotBlank();
        kafka.security().createUser("bob", password);
        kafka.security().grantPrefixed("bob", "bob-");
        Path file = kafka.security().writeClientConfigWithPasswordFrom(dir.resolve("bob.properties"), "bob",
                "FACTORY_TEST_KAFKA_PASSWORD");
        assertThat(Files.readString(file)).doesNotContain(password).contains("${env:FACTORY_TEST_KAFKA_PASSWORD}");
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            settings.load(in);
        }
        try (Admin admin = Admin.create(settings)) {
            admin.createTopics(List.of(new NewTopic("bob-events", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("only its own topics are visible")
                    .containsExactly("bob-events");
        }
    }

    @Test
    void theTlsStoresGoWithTheBroker() {
        Path tls;
        try (EmbeddedKafka other = EmbeddedKafka.startSecured()) {
            tls = other.security().truststore().getParent();
            assertThat(tls).isDirectoryContaining(p -> p.getFileName().toString().endsWith(".p12"));
            assertThat(other.dataDir().resolve("server.properties")).as("it held the super user's password").doesNotExist();
        }
        assertThat(tls).doesNotExist();
    }

    private static Map<String, Object> with(Map<String, Object> base, Map<String, Object> more) {
        Map<String, Object> config = new HashMap<>(base);
        config.putAll(more);
        return config;
    }
}
