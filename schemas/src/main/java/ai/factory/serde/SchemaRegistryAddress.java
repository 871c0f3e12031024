package ai.factory.serde;

import java.io.Serializable;

/**
 * Where to find the schema registry, in a form that travels with a Flink job graph.
 *
 * @param bootstrapServers Kafka bootstrap servers of the registry topic, or null for a registry within the process
 * @param topic            the registry topic
 */
public record SchemaRegistryAddress(String bootstrapServers, String topic) implements Serializable {

    /** The registry of a Kafka cluster. */
    public static SchemaRegistryAddress kafka(String bootstrapServers, String topic) {
        return new SchemaRegistryAddress(bootstrapServers, topic);
    }

    /** A registry that lives and dies with the process. */
    public static SchemaRegistryAddress inProcess() {
        return new SchemaRegistryAddress(null, null);
    }

    /** Opens the registry; the caller closes it. */
    public SchemaRegistry open() {
        return bootstrapServers == null ? new InMemorySchemaRegistry() : new KafkaSchemaRegistry(bootstrapServers, topic);
    }
}
