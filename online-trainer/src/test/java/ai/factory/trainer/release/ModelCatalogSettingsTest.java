package ai.factory.trainer.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.factory.kafka.KafkaConnection;
import org.junit.jupiter.api.Test;

/** The cluster's client settings reach the catalog's producer and reader. */
class ModelCatalogSettingsTest {

    @Test
    void theClusterSettingsReachBothClients() {
        KafkaConnection kafka = new KafkaConnection("secure:9093", Map.of("client.dns.lookup",
                "resolve_canonical_bootstrap_servers_only", "request.timeout.ms", "12345", "security.protocol", "SSL"));
        Map<String, Object> expected = Map.of("bootstrap.servers", "secure:9093",
                "client.dns.lookup", "resolve_canonical_bootstrap_servers_only", "request.timeout.ms", "12345",
                "security.protocol", "SSL");
        assertThat(ModelCatalog.producerConfig(kafka)).containsAllEntriesOf(expected).containsEntry("acks", "all")
                .containsAllEntriesOf(ai.factory.topics.TopicCatalog.MODELS_PRODUCER_LIMITS);
        assertThat(ModelCatalog.consumerConfig(kafka)).containsAllEntriesOf(expected).containsEntry("isolation.level", "read_committed");
    }
}
