package ai.factory.cli;

import java.util.HashMap;
import java.util.Map;

import ai.factory.topics.Topics;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** Where the factory's Kafka is and how its topics are named; shared by every command that talks to Kafka. */
final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT",
            defaultValue = "${env:FACTORY_BOOTSTRAP:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: $FACTORY_BOOTSTRAP, else ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "${env:FACTORY_TOPIC_PREFIX:-}",
            description = "Prefix of every topic name, so several factories can share a cluster (default: none).")
    String prefix;

    Topics topics() {
        return new Topics(prefix == null ? "" : prefix);
    }

    /** Admin client settings that fail within seconds, not minutes, when Kafka is not there. */
    Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return config;
    }
}
