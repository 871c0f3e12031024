package ai.factory.cli;

import java.util.HashMap;
import java.util.Map;

import ai.factory.kafka.KafkaConnection;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The connection of a short command's Kafka clients, bounded so that a cluster that is not there, or not reachable
 * with these settings, ends the command within seconds rather than after Kafka's default minute of retries.
 * Authentication and authorization failures are not retried by Kafka at all; these bounds cover the failures that look
 * like silence (a plaintext client at a TLS listener, a wrong address). Settings of the {@code --kafka-config} file win.
 */
final class FailFast {

    static final int REQUEST_TIMEOUT_MS = 10_000;
    static final int API_TIMEOUT_MS = 15_000;

    private FailFast() {
    }

    static KafkaConnection connection(KafkaConnection connection) {
        Map<String, String> settings = new HashMap<>();
        settings.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(REQUEST_TIMEOUT_MS));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(API_TIMEOUT_MS));
        settings.putAll(connection.settings());
        // The admin client refuses an API timeout below its request timeout, which the file may have raised.
        int request = Integer.parseInt(settings.get(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG));
        settings.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(API_TIMEOUT_MS, request)));
        return new KafkaConnection(connection.bootstrapServers(), settings);
    }
}
