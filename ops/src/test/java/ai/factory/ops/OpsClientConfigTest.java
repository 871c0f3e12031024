package ai.factory.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.kafka.PositionReader;
import ai.factory.ops.kafka.TopicTail;
import ai.factory.ops.lag.LagSampler;
import ai.factory.ops.models.ModelsView;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Every Kafka client of the ops service takes the connection's settings; the connection shows no secret. */
class OpsClientConfigTest {

    private static final KafkaConnection CONNECTION = new KafkaConnection("k1:9093", Map.of(
            CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG, "resolve_canonical_bootstrap_servers_only",
            CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "12345",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cret\";",
            // The views must never read aborted records, whatever the file says.
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));

    @Test
    void theReadersTakeTheConnectionsSettings() {
        for (Map<String, Object> own : java.util.List.of(PositionReader.config(CONNECTION, 1 << 20),
                TopicTail.config(CONNECTION, "p.models", 1 << 20))) {
            Map<String, Object> config = new HashMap<>(own);
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            ConsumerConfig consumer = new ConsumerConfig(config);
            assertConnection(consumer);
            assertThat(consumer.getString(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
            assertThat(consumer.getString(ConsumerConfig.GROUP_ID_CONFIG)).as("views never join a group").isNull();
        }
    }

    @Test
    void theAdminAndTheModelsProducerTakeTheConnectionsSettings() {
        assertConnection(new AdminClientConfig(LagSampler.adminConfig(CONNECTION)));
        Map<String, Object> producer = new HashMap<>(ModelsView.producerConfig(CONNECTION));
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        assertConnection(new ProducerConfig(producer));
    }

    @Test
    void theOptionsShowTheConnectionWithoutItsSecrets() {
        OpsOptions options = OpsOptions.defaults(CONNECTION).withAccess(ai.factory.ops.web.ConsoleAccess.open().withToken("token-1"));
        assertThat(options.connection().toString()).contains("k1:9093", "sasl.jaas.config=[hidden]").doesNotContain("s3cret");
        assertThat(options.toString()).contains("k1:9093").doesNotContain("s3cret", "token-1");
    }

    private static void assertConnection(AbstractConfig config) {
        assertThat(config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("k1:9093");
        assertThat(config.getString(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG)).isEqualTo("resolve_canonical_bootstrap_servers_only");
        assertThat(config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(12345);
    }
}
