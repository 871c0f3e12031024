package ai.factory.serde;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Where writer schemas live, by their 64-bit Avro fingerprint, so a reader can resolve any record
 * written with an older or newer compatible schema.
 */
public interface SchemaRegistry extends SchemaStore, AutoCloseable {

    /**
     * The Confluent wire format writers use instead of single-object encoding, and readers decode beside it; null
     * when no Confluent-compatible registry is configured ({@code --schema-registry}).
     */
    default ConfluentWireFormat confluent() {
        return null;
    }

    /** Makes {@code schema} findable by its fingerprint for every reader; idempotent. */
    void register(Schema schema);

    @Override
    void close();
}
