package ai.factory.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import ai.factory.records.Rejected;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.serde.RecordSource;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/** The dead letter every stage writes: a bounded prefix of the value, its full size and SHA-256. */
class DeadLettersTest {

    private static final RecordSource SOURCE = new RecordSource("events", 2, 41L);
    private static final Instant AT = Instant.parse("2001-01-01T00:00:00Z");

    @Test
    void aShortValueIsKeptWholeWithItsSizeAndHash() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        Rejected r = DeadLetters.rejected("e1", "UNDECODABLE", "bad header", SOURCE, abc, AT, "stream-ingest");
        assertThat(r.getOriginal().array()).isEqualTo(abc);
        assertThat(r.getOriginalSize()).isEqualTo(3L);
        // FIPS 180-2's example digest of "abc".
        assertThat(r.getOriginalSha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(r.getEventId()).isEqualTo("e1");
        assertThat(r.getSourceTopic()).isEqualTo("events");
        assertThat(r.getSourcePartition()).isEqualTo(2);
        assertThat(r.getSourceOffset()).isEqualTo(41L);
        assertThat(r.getRejectedAt()).isEqualTo(AT);
        assertThat(r.getRejectedBy()).isEqualTo("stream-ingest");
    }

    @Test
    void aLargeValueKeepsOnlyItsPrefixButTheWholeSizeAndHash() {
        byte[] value = new byte[1_000_000];
        new Random(7).nextBytes(value);
        Rejected r = DeadLetters.rejected(null, "UNDECODABLE", "garbage", SOURCE, value, AT, "feedback");
        assertThat(r.getOriginal().remaining()).isEqualTo(DeadLetters.MAX_ORIGINAL_BYTES);
        assertThat(r.getOriginal().array()).isEqualTo(Arrays.copyOf(value, DeadLetters.MAX_ORIGINAL_BYTES));
        assertThat(r.getOriginalSize()).isEqualTo(1_000_000L);
        assertThat(r.getOriginalSha256()).isEqualTo(OriginalValue.of(value).sha256()).hasSize(64)
                .isNotEqualTo(OriginalValue.of(r.getOriginal().array()).sha256());
        assertThat(OriginalValue.of(value).truncated()).isTrue();

        byte[] encoded = AvroCodec.of(Rejected.class, new InMemorySchemaRegistry()).encode(r);
        assertThat(encoded.length).isLessThan(DeadLetters.MAX_ORIGINAL_BYTES + 1024);
    }

    @Test
    void aValueOfExactlyTheBoundIsKeptWhole() {
        byte[] value = new byte[DeadLetters.MAX_ORIGINAL_BYTES];
        OriginalValue kept = OriginalValue.of(value);
        assertThat(kept.prefix()).hasSize(DeadLetters.MAX_ORIGINAL_BYTES);
        assertThat(kept.truncated()).isFalse();
    }

    @Test
    void noValueLeavesOriginalSizeAndHashNull() {
        Rejected r = DeadLetters.rejected("e1", "LATE", "late label", SOURCE, (byte[]) null, AT, "feedback");
        assertThat(r.getOriginal()).isNull();
        assertThat(r.getOriginalSize()).isNull();
        assertThat(r.getOriginalSha256()).isNull();
    }

    @Test
    void anEmptyValueHasSizeZeroAndTheEmptyHash() {
        Rejected r = DeadLetters.rejected(null, "UNDECODABLE", "empty", SOURCE, new byte[0], AT, "scoring");
        assertThat(r.getOriginalSize()).isZero();
        assertThat(r.getOriginalSha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void aHugeEventIdIsCutToTheBound() {
        String id = "x".repeat(500_000);
        Rejected r = DeadLetters.rejected(id, "TOO_LARGE", "event id too long", SOURCE, new byte[1], AT, "stream-ingest");
        assertThat(r.getEventId()).hasSize(DeadLetters.MAX_EVENT_ID_CHARS);
        String pairAtTheCut = "x".repeat(DeadLetters.MAX_EVENT_ID_CHARS - 1) + "\uD83D\uDE00";
        assertThat(DeadLetters.boundedEventId(pairAtTheCut)).hasSize(DeadLetters.MAX_EVENT_ID_CHARS - 1);
    }

    /** Dead letters written before and after original_size / original_sha256 read with either schema. */
    @Test
    void theNewFieldsAreACompatibleChange() {
        Schema before = new Schema.Parser().parse("""
                {"type": "record", "name": "Rejected", "namespace": "ai.factory.records", "fields": [
                  {"name": "event_id", "type": ["null", "string"], "default": null},
                  {"name": "reason_code", "type": "string"},
                  {"name": "reason", "type": "string"},
                  {"name": "source_topic", "type": "string"},
                  {"name": "source_partition", "type": "int"},
                  {"name": "source_offset", "type": "long"},
                  {"name": "original", "type": ["null", "bytes"], "default": null},
                  {"name": "rejected_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "rejected_by", "type": "string", "default": ""}]}
                """);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Rejected.getClassSchema(), before).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before, Rejected.getClassSchema()).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }
}
