package ai.factory.serde;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Encodes and decodes one record type in Avro single-object encoding (2-byte marker, 8-byte schema
 * fingerprint, binary body). Decoding resolves the writer's schema through the registry, so records
 * written with an older or newer compatible schema read as this type. Thread-safe.
 */
public final class AvroCodec<T extends SpecificRecord> {

    private final Class<T> type;
    private final Schema schema;
    private final SchemaRegistry registry;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private volatile boolean registered;

    /** Each thread's encoding buffer; Avro's own would keep the size of the largest record a thread ever wrote. */
    private static final ThreadLocal<EncodeBuffer> BUFFER = ThreadLocal.withInitial(EncodeBuffer::new);

    private static final class EncodeBuffer extends java.io.ByteArrayOutputStream {
        static final int MAX_KEPT = 1 << 20;

        EncodeBuffer() {
            super(1024);
        }

        int capacity() {
            return buf.length;
        }
    }

    private AvroCodec(Class<T> type, Schema schema, SchemaRegistry registry) {
        this.type = type;
        this.schema = schema;
        this.registry = registry;
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, registry);
        decoder.addSchema(schema);
    }

    /** A codec for a generated record class. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, SchemaRegistry registry) {
        return new AvroCodec<>(type, SpecificData.get().getSchema(type), registry);
    }

    public Class<T> type() {
        return type;
    }

    /** The schema records are written with. */
    public Schema schema() {
        return schema;
    }

    /** Single-object encoding of {@code record}; publishes the schema to the registry before the first record. */
    public byte[] encode(T record) {
        if (!registered) {
            registry.register(schema);
            registered = true;
        }
        EncodeBuffer out = BUFFER.get();
        out.reset();
        try {
            encoder.encode(record, out);
            byte[] bytes = out.toByteArray();
            if (out.capacity() > EncodeBuffer.MAX_KEPT) {
                // A model release is megabytes; a thread keeps no buffer that size for its small records.
                BUFFER.remove();
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
    }

    /** Decodes a consumed record's value, naming its topic, partition and offset on failure. */
    public T decode(ConsumerRecord<?, byte[]> record) {
        return decode(new RecordSource(record.topic(), record.partition(), record.offset()), record.value());
    }

    /**
     * Decodes {@code bytes} read at {@code source}.
     *
     * @throws UndecodableRecordException when the bytes are not a readable record of this type
     */
    public T decode(RecordSource source, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new UndecodableRecordException(source, UndecodableRecordException.Reason.EMPTY, null, null);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new UndecodableRecordException(source, UndecodableRecordException.Reason.UNKNOWN_SCHEMA, e.getMessage(), e);
        } catch (BadHeaderException e) {
            throw new UndecodableRecordException(source, UndecodableRecordException.Reason.BAD_HEADER, e.getMessage(), e);
        } catch (AvroTypeException e) {
            throw new UndecodableRecordException(source, UndecodableRecordException.Reason.INCOMPATIBLE_SCHEMA, e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException e) {
            // Avro reports truncated or garbled bodies through any of these.
            throw new UndecodableRecordException(source, UndecodableRecordException.Reason.CORRUPT_BODY, e.toString(), e);
        }
    }
}
