package ai.factory.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.serde.UndecodableRecordException.Reason;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Bytes written to hurt the reader: length prefixes of gigabytes, item counts of a billion, truncated and garbled
 * bodies, wrong markers, a writer schema nested deeper than the stack. Each must end as the record's
 * {@link UndecodableRecordException}, cheaply, and leave the codec able to read the next good record.
 */
class HostileBytesTest {

    private static final RecordSource SOURCE = new RecordSource("events", 0, 42);
    private static final String SENTINEL = "SENTINEL-7f3a9c";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroCodec<Event> events = AvroCodec.of(Event.class, registry);

    @Test
    void theLimitsAreInForceAndAboveTheLargestLegitimateRecord() {
        assertThatThrownBy(() -> SystemLimitException.checkMaxBytesLength(AvroLimits.MAX_BYTES + 1L))
                .isInstanceOf(SystemLimitException.class);
        assertThatThrownBy(() -> SystemLimitException.checkMaxStringLength(AvroLimits.MAX_STRING + 1L))
                .isInstanceOf(SystemLimitException.class);
        assertThatThrownBy(() -> SystemLimitException.checkMaxCollectionLength(AvroLimits.MAX_COLLECTION_ITEMS + 1L))
                .isInstanceOf(SystemLimitException.class);
        assertThat(AvroLimits.MAX_BYTES).isGreaterThan(ai.factory.topics.TopicCatalog.MODELS_MAX_MESSAGE_BYTES);
    }

    @Test
    void aReleaseWithTheLargestOnnxTheModelsTopicTakesStillDecodes() {
        AvroCodec<ModelRelease> codec = AvroCodec.of(ModelRelease.class, registry);
        ModelRelease release = ModelRelease.newBuilder(release())
                .setOnnx(ByteBuffer.wrap(new byte[ai.factory.topics.TopicCatalog.MODELS_MAX_MESSAGE_BYTES])).build();
        assertThat(codec.decode(SOURCE, codec.encode(release))).isEqualTo(release);
    }

    @Test
    void aVectorOfAHundredThousandEntriesStillDecodes() {
        AvroCodec<FeatureVector> codec = AvroCodec.of(FeatureVector.class, registry);
        FeatureVector vector = FeatureVector.newBuilder(SampleRecords.features())
                .setDense(new ArrayList<>(Collections.nCopies(100_000, 0.5f))).build();
        assertThat(codec.decode(SOURCE, codec.encode(vector))).isEqualTo(vector);
    }

    @Test
    void aStringLengthOfTwoToTheThirtyOneMinusOneIsTooLarge() {
        byte[] whole = events.encode(eventWithId(SENTINEL));
        // Above Java's largest array: Avro refuses it with an UnsupportedOperationException, whatever the limits; a
        // length bomb all the same, so TOO_LARGE like the ones just under it.
        assertThat(assertUndecodable(events, claim(whole, sentinelAt(whole, SENTINEL) - 1, Integer.MAX_VALUE)).reason())
                .isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void aStringLengthAboveTheLimitIsRefusedBeforeAllocating() {
        byte[] whole = events.encode(eventWithId(SENTINEL));
        // Below Java's largest array, so without a limit Avro allocates 2 GiB before finding 30 bytes.
        byte[] bomb = claim(whole, sentinelAt(whole, SENTINEL) - 1, Integer.MAX_VALUE - 100L);
        assertThat(assertUndecodable(events, bomb).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void anOnnxLengthOfAGibibyteIsRefused() {
        AvroCodec<ModelRelease> codec = AvroCodec.of(ModelRelease.class, registry);
        byte[] whole = codec.encode(ModelRelease.newBuilder(release())
                .setOnnx(ByteBuffer.wrap(SENTINEL.getBytes(StandardCharsets.UTF_8))).build());
        byte[] bomb = claim(whole, sentinelAt(whole, SENTINEL) - 1, 1L << 30);
        assertThat(assertUndecodable(codec, bomb).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void aMapClaimingABillionEntriesIsRefused() {
        byte[] whole = events.encode(Event.newBuilder(SampleRecords.event())
                .setAttributes(Map.of(SENTINEL, "x")).build());
        // The block count comes before the first key's length and the key: one entry follows, not a billion.
        byte[] bomb = claim(whole, sentinelAt(whole, SENTINEL) - 2, 1_000_000_000L);
        assertThat(assertUndecodable(events, bomb).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void anArrayClaimingABillionFloatsIsRefused() {
        AvroCodec<FeatureVector> codec = AvroCodec.of(FeatureVector.class, registry);
        float marker = Float.intBitsToFloat(0x5A5B5C5D);
        byte[] whole = codec.encode(FeatureVector.newBuilder(SampleRecords.features()).setDense(List.of(marker)).build());
        byte[] bomb = claim(whole, indexOf(whole, new byte[] {0x5D, 0x5C, 0x5B, 0x5A}) - 1, 1_000_000_000L);
        assertThat(assertUndecodable(codec, bomb).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void everyTruncationOfEveryTypeIsUndecodable() {
        for (SpecificRecord record : SampleRecords.allTypes()) {
            AvroCodec<SpecificRecord> codec = codecOf(record);
            byte[] whole = codec.encode(record);
            for (int length = 1; length < whole.length; length++) {
                assertUndecodable(codec, Arrays.copyOf(whole, length));
            }
            assertThat(codec.decode(SOURCE, whole)).isEqualTo(record);
        }
    }

    @Test
    void garbageAfterAGoodHeaderDecodesOrIsUndecodableNothingElse() {
        byte[] header = Arrays.copyOf(events.encode(SampleRecords.event()), 10);
        Random random = new Random(16);
        for (int i = 0; i < 3_000; i++) {
            byte[] bytes = Arrays.copyOf(header, 10 + 1 + random.nextInt(40));
            byte[] body = new byte[bytes.length - 10];
            random.nextBytes(body);
            System.arraycopy(body, 0, bytes, 10, body.length);
            assertThatCode(() -> {
                try {
                    events.decode(SOURCE, bytes);
                } catch (UndecodableRecordException expected) {
                    assertThat(expected.getMessage()).doesNotContain("\n");
                }
            }).as("body %s", Arrays.toString(body)).doesNotThrowAnyException();
        }
        assertThat(events.decode(SOURCE, events.encode(SampleRecords.event()))).isEqualTo(SampleRecords.event());
    }

    @Test
    void wrongMarkersAreBadHeaders() {
        byte[] good = events.encode(SampleRecords.event());
        // A first byte 0 is the Confluent wire format: ConfluentWireInteropTest.
        for (byte[] marker : List.of(new byte[] {(byte) 0xC3, 0x02}, new byte[] {0x01, 0x00}, new byte[] {'{', '"'})) {
            byte[] bytes = good.clone();
            bytes[0] = marker[0];
            bytes[1] = marker[1];
            assertThat(assertUndecodable(events, bytes).reason()).isEqualTo(Reason.BAD_HEADER);
        }
        assertUndecodable(events, new byte[] {(byte) 0xC3});
        assertUndecodable(events, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
        assertThat(assertUndecodable(events, new byte[] {0x00, 0x01}).reason()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void aWriterSchemaDeeperThanTheStackIsUndecodable() {
        Schema deep = deeplyNestedEvent(200_000);
        // A registry holding a hostile schema (as one published to the schemas topic would be) for any fingerprint.
        SchemaRegistry hostile = new SchemaRegistry() {
            @Override
            public void register(Schema schema) {
            }

            @Override
            public Schema findByFingerprint(long fingerprint) {
                return deep;
            }

            @Override
            public void close() {
            }
        };
        AvroCodec<Event> codec = AvroCodec.of(Event.class, hostile);
        byte[] bytes = Arrays.copyOf(codec.encode(SampleRecords.event()), 40);
        bytes[2] ^= 0x55; // another fingerprint: the hostile one
        UndecodableRecordException e = assertUndecodable(codec, bytes);
        assertThat(e.getMessage()).contains("StackOverflowError");
        assertThat(codec.decode(SOURCE, codec.encode(SampleRecords.event()))).isEqualTo(SampleRecords.event());
    }

    private static Schema deeplyNestedEvent(int depth) {
        Schema nested = Schema.create(Schema.Type.INT);
        for (int i = 0; i < depth; i++) {
            nested = Schema.createRecord("N" + i, null, "deep", false, List.of(new Schema.Field("f", nested)));
        }
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : Event.getClassSchema().getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("nested", nested));
        return Schema.createRecord(Event.getClassSchema().getName(), null, Event.getClassSchema().getNamespace(), false, fields);
    }

    private static UndecodableRecordException assertUndecodable(AvroCodec<?> codec, byte[] bytes) {
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            codec.decode(SOURCE, bytes);
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown).as("%d bytes", bytes.length).isInstanceOf(UndecodableRecordException.class);
        assertThat(thrown.getMessage()).contains(SOURCE.toString()).doesNotContain("\n");
        // Generous: a refused length costs microseconds; an allocation of gigabytes would cost seconds or the heap.
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        return (UndecodableRecordException) thrown;
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> AvroCodec<T> codecOf(T record) {
        return AvroCodec.of((Class<T>) record.getClass(), registry);
    }

    private static Event eventWithId(String id) {
        return Event.newBuilder(SampleRecords.event()).setId(id).build();
    }

    private static ModelRelease release() {
        return (ModelRelease) SampleRecords.allTypes().stream().filter(r -> r instanceof ModelRelease).findFirst().orElseThrow();
    }

    /** {@code whole} with the one-byte length or count at {@code at} replaced by {@code claimed}, the rest kept. */
    private static byte[] claim(byte[] whole, int at, long claimed) {
        assertThat(whole[at] & 0x80).as("a one-byte varint at %d", at).isZero();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(whole, 0, at);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeLong(claimed);
            encoder.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        out.write(whole, at + 1, whole.length - at - 1);
        return out.toByteArray();
    }

    private static int sentinelAt(byte[] bytes, String sentinel) {
        return indexOf(bytes, sentinel.getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
