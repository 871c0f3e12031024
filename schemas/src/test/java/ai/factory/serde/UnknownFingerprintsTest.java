package ai.factory.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.Event;
import ai.factory.serde.UndecodableRecordException.Reason;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records whose schema fingerprint no registry knows, at volume, against the registry kept in Kafka. */
@ExtendWith(KafkaExtension.class)
class UnknownFingerprintsTest {

    private static final RecordSource SOURCE = new RecordSource("events", 0, 0);

    /** Event v2: v1 plus an optional field, a schema the reader's own class does not carry. */
    private static final Schema EVENT_V2 = eventV2();

    @Test
    void tenThousandRandomFingerprintsFromFourThreadsCostAFewReads(TestKafka kafka) throws Exception {
        try (KafkaSchemaRegistry registry = registry(kafka, "volume", Duration.ofSeconds(1), Duration.ofSeconds(30))) {
            AvroCodec<Event> codec = AvroCodec.of(Event.class, registry);
            byte[] good = codec.encode(SampleRecords.event());
            long start = System.nanoTime();
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> unknown = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long seed = t;
                    unknown.add(threads.submit(() -> {
                        Random random = new Random(seed);
                        int failed = 0;
                        for (int i = 0; i < 2_500; i++) {
                            byte[] junk = good.clone();
                            for (int b = 2; b < 10; b++) {
                                junk[b] = (byte) random.nextInt();
                            }
                            try {
                                codec.decode(SOURCE, junk);
                            } catch (UndecodableRecordException e) {
                                if (e.reason() == Reason.UNKNOWN_SCHEMA) {
                                    failed++;
                                }
                            }
                        }
                        return failed;
                    }));
                }
                int failed = 0;
                for (Future<Integer> f : unknown) {
                    failed += f.get();
                }
                assertThat(failed).isEqualTo(10_000);
            } finally {
                threads.shutdownNow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // One read, then one at most per second while the junk lasts (a full read per record before: 10,000).
            assertThat(registry.reads()).as("reads in %.1f s", seconds).isBetween(1L, 2L + (long) seconds);
            assertThat(seconds).as("generous bound").isLessThan(60);
            assertThat(codec.decode(SOURCE, good)).isEqualTo(SampleRecords.event());
        }
    }

    @Test
    void aRecordWhoseSchemaIsRegisteredAfterAMissDecodesOnceTheIntervalPasses(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("after-miss");
        try (KafkaSchemaRegistry reader = registry(kafka, prefix, Duration.ofSeconds(5), Duration.ofSeconds(60));
             KafkaSchemaRegistry writer = registry(kafka, prefix, Duration.ofSeconds(5), Duration.ofSeconds(60))) {
            AvroCodec<Event> readCodec = AvroCodec.of(Event.class, reader);
            byte[] junk = withFingerprintFlipped(readCodec.encode(SampleRecords.event()));
            assertUnknown(readCodec, junk);
            assertThat(reader.reads()).isEqualTo(1);

            // A writer publishes Event v2 just after the junk's read, and writes with it.
            writer.register(EVENT_V2);
            byte[] record = v2Record();
            assertUnknown(readCodec, record);
            assertThat(reader.reads()).as("within the interval: no read").isEqualTo(1);

            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(decodes(readCodec, record)).isTrue());
            assertThat(reader.reads()).isEqualTo(2);
        }
    }

    @Test
    void aFingerprintFoundMissingIsNotLookedForUntilItExpires(TestKafka kafka) throws InterruptedException {
        String prefix = TestKafka.uniquePrefix("expiry");
        try (KafkaSchemaRegistry reader = registry(kafka, prefix, Duration.ofMillis(100), Duration.ofSeconds(8));
             KafkaSchemaRegistry writer = registry(kafka, prefix, Duration.ofMillis(100), Duration.ofSeconds(3))) {
            AvroCodec<Event> readCodec = AvroCodec.of(Event.class, reader);
            // Written before its schema is published (a broken writer): a read begun after the lookup misses it.
            byte[] record = v2Record();
            assertUnknown(readCodec, record);
            assertThat(reader.reads()).isEqualTo(1);
            writer.register(EVENT_V2);

            // Past the interval, the same fingerprint again and again: remembered as missing, no read.
            Thread.sleep(300);
            for (int i = 0; i < 1_000; i++) {
                assertUnknown(readCodec, record);
            }
            assertThat(reader.reads()).isEqualTo(1);

            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(decodes(readCodec, record)).isTrue());
            assertThat(reader.reads()).isEqualTo(2);
        }
    }

    private static Schema eventV2() {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : Event.getClassSchema().getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("source", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                null, Schema.Field.NULL_DEFAULT_VALUE));
        Schema v1 = Event.getClassSchema();
        return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    }

    private static byte[] v2Record() {
        Event v1 = SampleRecords.event();
        GenericRecord v2 = new GenericData.Record(EVENT_V2);
        v2.put("id", v1.getId());
        v2.put("event_time", v1.getEventTime().toEpochMilli());
        v2.put("entity", v1.getEntity());
        v2.put("attributes", v1.getAttributes());
        v2.put("source", "mobile-app");
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), EVENT_V2).encode(v2);
            return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.arrayOffset() + buffer.limit());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KafkaSchemaRegistry registry(TestKafka kafka, String prefix, Duration interval, Duration expiry) {
        String topic = prefix.endsWith(".") ? prefix + "schemas" : TestKafka.uniquePrefix(prefix) + "schemas";
        return new KafkaSchemaRegistry(KafkaConnection.of(kafka.bootstrapServers()), topic, interval, expiry);
    }

    private static byte[] withFingerprintFlipped(byte[] record) {
        byte[] other = Arrays.copyOf(record, record.length);
        other[9] ^= 0x33;
        return other;
    }

    private static void assertUnknown(AvroCodec<Event> codec, byte[] bytes) {
        assertThatThrownBy(() -> codec.decode(SOURCE, bytes)).isInstanceOfSatisfying(UndecodableRecordException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA));
    }

    private static boolean decodes(AvroCodec<Event> codec, byte[] bytes) {
        try {
            return codec.decode(SOURCE, bytes).getId().equals(SampleRecords.event().getId());
        } catch (UndecodableRecordException e) {
            return false;
        }
    }
}
