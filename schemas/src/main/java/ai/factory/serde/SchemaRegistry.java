package ai.factory.serde;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Where writer schemas live, by their 64-bit Avro fingerprint, so a reader can resolve any record
 * written with an older or newer compatible schema.
 */
public interface SchemaRegistry extends SchemaStore, AutoCloseable {

    /** Makes {@code schema} findable by its fingerprint for every reader; idempotent. */
    void register(Schema schema);

    @Override
    void close();
}
