package ai.factory.serde;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/** A schema registry within one process: enough when writer and reader share a JVM (tests, topology drivers). */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private final SchemaStore.Cache cache = new SchemaStore.Cache();

    @Override
    public void register(Schema schema) {
        cache.addSchema(schema);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return cache.findByFingerprint(fingerprint);
    }

    @Override
    public void close() {
        // Nothing held outside the heap.
    }
}
