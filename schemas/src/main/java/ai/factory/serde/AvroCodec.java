package ai.factory.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.factory.serde.UndecodableRecordException.Reason;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Encodes and decodes one record type in Avro single-object encoding (2-byte marker, 8-byte schema
 * fingerprint, binary body), or in the Confluent wire format when the registry has a {@link ConfluentWireFormat}.
 * Decoding tells the two apart by each record's first byte and resolves the writer's schema through the registry,
 * so records written with an older or newer compatible schema, in either format, read as this type. Thread-safe.
 */
public final class AvroCodec<T extends SpecificRecord> {

    /** Longest reason kept from a decoding failure. */
    private static final int MAX_DETAIL = 200;

    static {
        // Before the first decode: Avro reads its limits once.
        AvroLimits.apply();
    }

    private final Class<T> type;
    private final Schema schema;
    private final SchemaRegistry registry;
    private final SpecificDatumWriter<T> writer;
    private final byte[] header;
    private final BinaryMessageDecoder<T> decoder;
    private final SpecificData model;
    /** Null: records are written in single-object encoding, and Confluent-format records cannot be read. */
    private final ConfluentWireFormat confluent;
    /** Readers of Confluent-format records, by writer schema id (only ids the registry knows). */
    private final Map<Long, SpecificDatumReader<T>> confluentReaders = new ConcurrentHashMap<>();
    private volatile boolean registered;
    /** Magic byte and schema id of this type's records in the Confluent wire format, once the registry gave the id. */
    private volatile byte[] confluentHeader;

    /**
     * Each thread's encoding buffer and encoder. Avro's own message encoder keeps both per thread, sized to the largest
     * record the thread ever wrote (a model release is megabytes), and its encoder holds on to the buffer.
     */
    private static final ThreadLocal<Encoding> ENCODING = ThreadLocal.withInitial(Encoding::new);

    private static final class Encoding extends java.io.ByteArrayOutputStream {
        static final int MAX_KEPT = 1 << 20;
        BinaryEncoder encoder;

        Encoding() {
            super(1024);
        }

        int capacity() {
            return buf.length;
        }
    }

    /** The single-object encoding's header: marker C3 01 and the schema's 64-bit parsing fingerprint, little-endian. */
    private static byte[] header(Schema schema) {
        byte[] header = new byte[10];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return header;
    }

    private AvroCodec(Class<T> type, Schema schema, SchemaRegistry registry) {
        this.type = type;
        this.schema = schema;
        this.registry = registry;
        this.model = SpecificData.getForClass(type);
        this.confluent = registry.confluent();
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.header = header(schema);
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

    /**
     * Single-object encoding of {@code record}, publishing the schema to the registry before the first record; or the
     * Confluent wire format when the registry has one.
     */
    public byte[] encode(T record) {
        byte[] head = header;
        if (confluent != null) {
            head = confluentHeader;
            if (head == null) {
                // The library registers the schema (or finds it) and writes the first record. The id of a schema's
                // content never changes, so the others take its header and the same Avro body, written here at half
                // the library's cost per record (it derives the schema from each record to look up its id).
                byte[] first = confluent.encode(record);
                confluentHeader = Arrays.copyOf(first, ConfluentWireFormat.HEADER_LENGTH);
                return first;
            }
        } else if (!registered) {
            registry.register(schema);
            registered = true;
        }
        Encoding out = ENCODING.get();
        out.reset();
        try {
            out.write(head);
            out.encoder = EncoderFactory.get().directBinaryEncoder(out, out.encoder);
            writer.write(record, out.encoder);
            out.encoder.flush();
            byte[] bytes = out.toByteArray();
            if (out.capacity() > Encoding.MAX_KEPT) {
                // A thread keeps no buffer the size of a model release for its small records.
                ENCODING.remove();
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
     * Decodes {@code bytes} read at {@code source}. Whatever a hostile body makes Avro throw, a length above
     * {@link AvroLimits}, a truncated or garbled body, an allocation the heap refuses or nesting deeper than the stack,
     * ends as this record's failure, so the caller dead-letters it and goes on.
     *
     * @throws UndecodableRecordException when the bytes are not a readable record of this type
     * @throws org.apache.kafka.common.KafkaException when the registry cannot read its topic: the record may be fine
     */
    public T decode(RecordSource source, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new UndecodableRecordException(source, Reason.EMPTY, null, null);
        }
        try {
            return bytes[0] == ConfluentWireFormat.MAGIC ? decodeConfluent(source, bytes) : decoder.decode(bytes);
        } catch (UndecodableRecordException e) {
            throw e;
        } catch (MissingSchemaException e) {
            throw new UndecodableRecordException(source, Reason.UNKNOWN_SCHEMA, oneLine(e.getMessage()), e);
        } catch (BadHeaderException e) {
            throw new UndecodableRecordException(source, Reason.BAD_HEADER, oneLine(e.getMessage()), e);
        } catch (SystemLimitException e) {
            throw new UndecodableRecordException(source, Reason.TOO_LARGE, oneLine(e), e);
        } catch (AvroTypeException e) {
            throw new UndecodableRecordException(source, Reason.INCOMPATIBLE_SCHEMA, oneLine(e.getMessage()), e);
        } catch (KafkaException e) {
            // Thrown by the registry, not by the body: failing the record would dead-letter a good one.
            throw e;
        } catch (IOException | RuntimeException e) {
            // Avro reports truncated or garbled bodies through many types: AvroRuntimeException, EOFException,
            // IndexOutOfBounds, NegativeArraySize... A length or count beyond any Java array (2^31 - 8 and up) it
            // refuses with an UnsupportedOperationException before its configurable limits: a length bomb as well.
            Reason reason = beyondAnyArray(e) ? Reason.TOO_LARGE : Reason.CORRUPT_BODY;
            throw new UndecodableRecordException(source, reason, oneLine(e), e);
        } catch (OutOfMemoryError e) {
            // One allocation the heap refused (a length under the limits on a small heap); it was never filled.
            throw new UndecodableRecordException(source, Reason.TOO_LARGE, oneLine(e), null);
        } catch (StackOverflowError e) {
            // A writer schema or a body nested deeper than the thread's stack; the cause is left out, its trace is huge.
            throw new UndecodableRecordException(source, Reason.CORRUPT_BODY, oneLine(e), null);
        }
    }

    /** A record in the Confluent wire format: magic byte, 4-byte schema id, binary body. */
    private T decodeConfluent(RecordSource source, byte[] bytes) throws IOException {
        long id = ConfluentWireFormat.schemaId(bytes);
        if (id < 0) {
            throw new BadHeaderException("Confluent wire format header cut short (" + bytes.length + " bytes)");
        }
        if (confluent == null) {
            throw new UndecodableRecordException(source, Reason.UNKNOWN_SCHEMA,
                    "Confluent wire format with schema id " + id + ", and no --schema-registry to look it up", null);
        }
        SpecificDatumReader<T> reader = confluentReaders.get(id);
        if (reader == null) {
            Schema writerSchema = confluent.writerSchema(id);
            if (writerSchema == null) {
                throw new MissingSchemaException("no schema of id " + id + " in the schema registry");
            }
            reader = new SpecificDatumReader<>(writerSchema, schema, model);
            confluentReaders.put(id, reader);
        }
        int header = ConfluentWireFormat.HEADER_LENGTH;
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, header, bytes.length - header, null));
    }

    /** Avro's refusal of a length or item count no Java array can hold ({@code SystemLimitException}'s checks). */
    private static boolean beyondAnyArray(Exception e) {
        return e instanceof UnsupportedOperationException && e.getMessage() != null && e.getMessage().startsWith("Cannot read");
    }

    /** The first line of a throwable's description, at most {@value #MAX_DETAIL} characters. */
    static String oneLine(Throwable e) {
        return oneLine(e.toString());
    }

    private static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline);
        }
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
    }
}
