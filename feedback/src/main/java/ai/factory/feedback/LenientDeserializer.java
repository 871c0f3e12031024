package ai.factory.feedback;

import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.UndecodableRecordException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes one Avro record type and never throws: bytes that do not decode, or more of them than the input's limit
 * ({@link InputLimits}), become an {@link Undecodable}.
 * Decoding here rather than in an exception handler keeps dead letters ordinary outputs of the topology,
 * written in the same transaction as everything else.
 */
final class LenientDeserializer<T extends SpecificRecord> implements Deserializer<Object> {

    private final AvroCodec<T> codec;
    private final int maxBytes;

    LenientDeserializer(AvroCodec<T> codec, int maxBytes) {
        this.codec = codec;
        this.maxBytes = maxBytes;
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Violation tooLarge = InputLimits.check(data.length, maxBytes);
        if (tooLarge != null) {
            return new Undecodable(data, tooLarge.code(), tooLarge.reason());
        }
        try {
            return codec.decode(RecordSource.topicOnly(topic), data);
        } catch (UndecodableRecordException e) {
            return new Undecodable(data, e.reason().name(), e.getMessage());
        }
    }
}
