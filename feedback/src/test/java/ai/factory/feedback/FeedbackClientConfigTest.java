package ai.factory.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.kafka.KafkaConnection;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The connection's settings reach every client of the feedback app: Streams and the consumers, producers and admin it
 * makes, and the topic admin; the app's own Streams settings win over the file's.
 */
class FeedbackClientConfigTest {

    private static final KafkaConnection CONNECTION = new KafkaConnection("k1:9093", Map.of(
            CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG, "resolve_canonical_bootstrap_servers_only",
            CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "12345",
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1",
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
            StreamsConfig.APPLICATION_ID_CONFIG, "someone-else"));

    private final FeedbackOptions options = FeedbackOptions.defaults(CONNECTION).withTopicPrefix("p.");

    @Test
    void streamsAndTheClientsItMakesTakeTheConnectionsSettings() {
        StreamsConfig streams = new StreamsConfig(FeedbackTopology.streamsConfig(options));
        assertThat(streams.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("k1:9093");
        assertThat(streams.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).as("a Streams setting of the file").isEqualTo(1);
        assertThat(streams.getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("p." + FeedbackOptions.DEFAULT_APPLICATION_ID);
        assertThat(streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);

        Map<String, Object> consumer = new HashMap<>(streams.getMainConsumerConfigs("p.group", "c", 0));
        consumer.putIfAbsent(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.putIfAbsent(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Object> producer = new HashMap<>(streams.getProducerConfigs("p"));
        producer.putIfAbsent(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.putIfAbsent(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        for (AbstractConfig client : List.of(new ConsumerConfig(consumer), new ProducerConfig(producer),
                new AdminClientConfig(streams.getAdminConfigs("a")))) {
            assertConnection(client);
        }
    }

    @Test
    void theTopicAdminTakesTheConnectionsSettings() {
        assertConnection(new AdminClientConfig(FeedbackApp.adminConfig(options)));
    }

    @Test
    void theKafkaConfigFileIsTheOneWayToPassClientSettings(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"),
                "bootstrap.servers=k:9093\nsasl.jaas.config=secret\nsession.timeout.ms=6000\n");
        FeedbackOptions parsed = new FeedbackCommand().parse(List.of("--kafka-config", file.toString(), "--prefix", "p.",
                "--application-id", "app", "--window", "6h", "--commit-interval", "50ms")).toOptions();
        assertThat(parsed.connection().bootstrapServers()).isEqualTo("k:9093");
        assertThat(parsed.applicationId()).as("prefixed, so the factory's prefixed ACLs cover it").isEqualTo("p.app");
        assertThat(parsed.join().window()).isEqualTo(Duration.ofHours(6));
        assertThat(parsed.commitInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(new StreamsConfig(FeedbackTopology.streamsConfig(parsed)).originals())
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        assertThat(parsed.toString()).doesNotContain("secret");
        assertThatThrownBy(() -> new FeedbackCommand().parse(List.of("--config", "a=b")))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    }

    @Test
    void theCommandsDefaultsAreTheOptionsDefaults() {
        FeedbackOptions parsed = new FeedbackCommand().parse(List.of()).toOptions();
        FeedbackOptions defaults = FeedbackOptions.defaults(parsed.connection());
        assertThat(parsed.join()).isEqualTo(defaults.join());
        assertThat(parsed.quality()).isEqualTo(defaults.quality());
        assertThat(parsed.punctuateEvery()).isEqualTo(defaults.punctuateEvery());
        assertThat(parsed.commitInterval()).isEqualTo(defaults.commitInterval());
        assertThat(parsed.partitions()).isEqualTo(defaults.partitions());
        assertThat(parsed.threads()).isEqualTo(defaults.threads());
        assertThat(parsed.applicationId()).isEqualTo(defaults.applicationId());
    }

    @Test
    void aBadDurationIsOneLineNamingTheOption() {
        assertThatThrownBy(() -> new FeedbackCommand().parse(List.of("--window", "P1 day")))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--window")
                .hasMessageContaining("a duration must look like")
                .extracting(Throwable::getMessage).asString().doesNotContain("\n");
    }

    private static void assertConnection(AbstractConfig config) {
        assertThat(config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("k1:9093");
        assertThat(config.getString(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG)).isEqualTo("resolve_canonical_bootstrap_servers_only");
        assertThat(config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(12345);
    }
}
