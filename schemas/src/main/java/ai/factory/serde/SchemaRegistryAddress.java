package ai.factory.serde;

import java.io.Serializable;

import ai.factory.kafka.KafkaConnection;

/**
 * Where to find the schema registry, in a form that travels with a Flink job graph.
 *
 * @param kafka the cluster of the registry topic, or null for a registry within the process
 * @param topic the registry topic
 */
public record SchemaRegistryAddress(KafkaConnection kafka, String topic) implements Serializable {

    /** The registry of a Kafka cluster. */
    public static SchemaRegistryAddress kafka(KafkaConnection kafka, String topic) {
        return new SchemaRegistryAddress(kafka, topic);
    }

    /** The registry of a plaintext cluster without authentication (an embedded broker, tests). */
    public static SchemaRegistryAddress kafka(String bootstrapServers, String topic) {
        return kafka(KafkaConnection.of(bootstrapServers), topic);
    }

    /** A registry that lives and dies with the process. */
    public static SchemaRegistryAddress inProcess() {
        return new SchemaRegistryAddress(null, null);
    }

    /**
     * Opens the registry; the caller closes it. When the connection names a Confluent-compatible registry
     * ({@code --schema-registry}), records are written in its wire format, and the registry topic still serves the
     * records written before.
     */
    public SchemaRegistry open() {
        if (kafka == null) {
            return new InMemorySchemaRegistry();
        }
        SchemaRegistry own = new KafkaSchemaRegistry(kafka, topic);
        return ConfluentWireFormat.of(kafka).<SchemaRegistry>map(wire -> new ConfluentSchemaRegistry(own, wire)).orElse(own);
    }
}
