package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.kafka.KafkaConnection;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Every Kafka client of the scorer takes the connection's settings; its own settings win where both speak. */
class ScorerClientConfigTest {

    private static final KafkaConnection CONNECTION = new KafkaConnection("k1:9093,k2:9093", Map.of(
            CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG, "resolve_canonical_bootstrap_servers_only",
            CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "12345",
            // A file that names the isolation level must not make the scorer serve uncommitted releases.
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
            // Classic group protocol settings (for Streams) in a shared file must not stop the features consumer.
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000",
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000"));

    private final ScorerOptions options = ScorerOptions.defaults(CONNECTION, "delay").withTopicPrefix("p.");

    @Test
    void everyConsumerTakesTheConnectionsSettings() {
        for (Map<String, Object> config : List.of(Scorer.featuresConsumerConfig(options),
                Scorer.modelsConsumerConfig(options, "-models"), Scorer.readBackConsumerConfig(options))) {
            ConsumerConfig consumer = consumer(config);
            assertConnection(consumer);
            assertThat(consumer.getString(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
        }
        assertThat(consumer(Scorer.featuresConsumerConfig(options)).getString(ConsumerConfig.GROUP_ID_CONFIG))
                .isEqualTo("p." + ScorerOptions.DEFAULT_GROUP);
    }

    @Test
    void theProducerTakesTheConnectionsSettings() {
        Map<String, Object> config = new HashMap<>(Scorer.producerConfig(options));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        ProducerConfig producer = new ProducerConfig(config);
        assertConnection(producer);
        assertThat(producer.getLong(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(options.producerLinger().toMillis());
    }

    @Test
    void theTransactionalProducerIsThePredictionsProducerWithAnIdUniquePerInstance() {
        String id = Scorer.transactionalId(options);
        assertThat(id).startsWith("p." + ScorerOptions.DEFAULT_GROUP + "-" + options.instanceId() + "-")
                .isNotEqualTo(Scorer.transactionalId(options));
        Map<String, Object> config = new HashMap<>(Scorer.transactionalProducerConfig(options, id));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        ProducerConfig producer = new ProducerConfig(config);
        assertConnection(producer);
        assertThat(producer.getString(ProducerConfig.TRANSACTIONAL_ID_CONFIG)).isEqualTo(id);
        assertThat(producer.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
        assertThat(producer.getInt(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)).isEqualTo(15_000);
    }

    private static ConsumerConfig consumer(Map<String, Object> own) {
        Map<String, Object> config = new HashMap<>(own);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new ConsumerConfig(config);
    }

    private static void assertConnection(AbstractConfig config) {
        assertThat(config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("k1:9093", "k2:9093");
        assertThat(config.getString(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG)).isEqualTo("resolve_canonical_bootstrap_servers_only");
        assertThat(config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(12345);
    }
}
