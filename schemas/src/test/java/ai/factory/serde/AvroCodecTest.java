package ai.factory.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import ai.factory.records.Event;
import ai.factory.records.Prediction;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Encoding rules that need no broker. */
class AvroCodecTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void everyTypeSurvivesEncodeAndDecode() {
        for (SpecificRecord record : SampleRecords.allTypes()) {
            assertThat(roundTrip(record)).as(record.getSchema().getName()).isEqualTo(record);
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> T roundTrip(T record) {
        AvroCodec<T> codec = AvroCodec.of((Class<T>) record.getClass(), registry);
        return codec.decode(new RecordSource("t", 0, 0), codec.encode(record));
    }

    @Test
    void aSmallRecordAfterAModelOfMegabytesEncodesTheSame() {
        ai.factory.records.ModelRelease small = (ai.factory.records.ModelRelease) SampleRecords.allTypes().get(6);
        AvroCodec<ai.factory.records.ModelRelease> codec = AvroCodec.of(ai.factory.records.ModelRelease.class, registry);
        byte[] before = codec.encode(small);
        ai.factory.records.ModelRelease big = ai.factory.records.ModelRelease.newBuilder(small)
                .setOnnx(ByteBuffer.wrap(new byte[3 << 20])).build();
        assertThat(roundTrip(big)).isEqualTo(big);
        assertThat(codec.encode(small)).isEqualTo(before);
    }

    @Test
    void writesAvroSingleObjectEncoding() {
        byte[] bytes = AvroCodec.of(Event.class, registry).encode(SampleRecords.event());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(Event.getClassSchema()));
    }

    @Test
    void emptyAndTruncatedBytesAreTypedFailures() {
        AvroCodec<Event> codec = AvroCodec.of(Event.class, registry);
        RecordSource source = new RecordSource("events", 1, 7);
        assertThatThrownBy(() -> codec.decode(source, new byte[0]))
                .isInstanceOfSatisfying(UndecodableRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.EMPTY));
        byte[] whole = codec.encode(SampleRecords.event());
        byte[] truncated = Arrays.copyOf(whole, whole.length - 5);
        assertThatThrownBy(() -> codec.decode(source, truncated))
                .isInstanceOfSatisfying(UndecodableRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.CORRUPT_BODY);
                    assertThat(e.getMessage()).contains("events-1@7");
                });
    }

    @Test
    void aRecordOfAnotherTypeIsNotReadAsThisOne() {
        byte[] prediction = AvroCodec.of(Prediction.class, registry).encode(
                (Prediction) SampleRecords.allTypes().get(3));
        assertThatThrownBy(() -> AvroCodec.of(Event.class, registry).decode(new RecordSource("events", 0, 3), prediction))
                .isInstanceOf(UndecodableRecordException.class);
    }
}
