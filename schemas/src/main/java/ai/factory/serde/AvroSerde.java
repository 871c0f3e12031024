package ai.factory.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} for one record type, for plain clients and Kafka Streams. A decoding failure
 * throws {@link UndecodableRecordException}; the Kafka consumer adds partition and offset around it.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final AvroCodec<T> codec;

    public AvroSerde(AvroCodec<T> codec) {
        this.codec = codec;
    }

    /** The serde of a generated record class. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaRegistry registry) {
        return new AvroSerde<>(AvroCodec.of(type, registry));
    }

    public AvroCodec<T> codec() {
        return codec;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        // A null value is a tombstone on a compacted topic, not an error.
        return data == null ? null : codec.decode(RecordSource.topicOnly(topic), data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Configured at construction; Kafka's map is not needed.
    }

    @Override
    public void close() {
        // The registry belongs to whoever created it.
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
