package ai.factory.serde;

import org.apache.avro.Schema;

/**
 * The factory's registry for the single-object records already on the topics, with a Confluent-compatible registry
 * for everything written from now on.
 */
public final class ConfluentSchemaRegistry implements SchemaRegistry {

    private final SchemaRegistry own;
    private final ConfluentWireFormat wire;

    public ConfluentSchemaRegistry(SchemaRegistry own, ConfluentWireFormat wire) {
        this.own = own;
        this.wire = wire;
    }

    @Override
    public ConfluentWireFormat confluent() {
        return wire;
    }

    @Override
    public void register(Schema schema) {
        own.register(schema);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return own.findByFingerprint(fingerprint);
    }

    @Override
    public void close() {
        try (own; wire) {
            // Both closed, the second even when the first fails.
        }
    }
}
