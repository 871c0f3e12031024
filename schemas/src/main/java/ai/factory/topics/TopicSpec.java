package ai.factory.topics;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

/**
 * How one topic should exist: name, partitions, topic configs, and the record type of its values.
 *
 * @param partitions        partition count
 * @param replicationFactor replicas per partition, or -1 for the cluster's default
 * @param valueType         Avro record class of the values, or null for non-Avro topics (the schema registry)
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs,
                        Class<? extends SpecificRecord> valueType, String purpose) {

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition: " + name);
        }
        configs = Map.copyOf(configs);
    }

    /** The registry topic of writer schemas: one partition, compacted, kept forever. */
    public static TopicSpec schemas(String name) {
        return new TopicSpec(name, 1, (short) -1,
                Map.of("cleanup.policy", "compact", "retention.ms", "-1"), null,
                "writer schemas by fingerprint (schema registry)");
    }
}
