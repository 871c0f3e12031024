package ai.factory.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Flink {@link SerializationSchema} for one record type, in Avro single-object encoding. */
public final class FlinkAvroSerializationSchema<T extends SpecificRecord> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SchemaRegistryAddress registryAddress;
    private transient SchemaRegistry registry;
    private transient AvroCodec<T> codec;

    public FlinkAvroSerializationSchema(Class<T> type, SchemaRegistryAddress registryAddress) {
        this.type = type;
        this.registryAddress = registryAddress;
    }

    @Override
    public void open(InitializationContext context) {
        registry = registryAddress.open();
        codec = AvroCodec.of(type, registry);
    }

    @Override
    public byte[] serialize(T element) {
        if (codec == null) {
            open(null);
        }
        return codec.encode(element);
    }
}
