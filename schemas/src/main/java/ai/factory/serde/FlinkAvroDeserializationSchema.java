package ai.factory.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink {@link DeserializationSchema} for one record type. The registry is opened on the task, not
 * shipped with the job graph.
 */
public final class FlinkAvroDeserializationSchema<T extends SpecificRecord> implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SchemaRegistryAddress registryAddress;
    private final String topic;
    private transient SchemaRegistry registry;
    private transient AvroCodec<T> codec;

    public FlinkAvroDeserializationSchema(Class<T> type, SchemaRegistryAddress registryAddress, String topic) {
        this.type = type;
        this.registryAddress = registryAddress;
        this.topic = topic;
    }

    @Override
    public void open(InitializationContext context) {
        registry = registryAddress.open();
        codec = AvroCodec.of(type, registry);
    }

    @Override
    public T deserialize(byte[] message) {
        if (codec == null) {
            open(null);
        }
        return codec.decode(RecordSource.topicOnly(topic), message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        // With flink-avro on the class path this is an AvroTypeInfo: Flink serializes the records as Avro, not with Kryo.
        return TypeInformation.of(type);
    }
}
