package ai.factory.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.Event;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The wire format through a real broker, with the schema registry kept in Kafka. */
@ExtendWith(KafkaExtension.class)
class KafkaWireFormatTest {

    /** Event v2: v1 plus an optional field, as a later release of the schema would add it. */
    private static final Schema EVENT_V2 = withOptionalSource(Event.getClassSchema());

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyRecordTypeRoundTripsThroughTheBroker(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("roundtrip");
        try (SchemaRegistry writerRegistry = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas");
             SchemaRegistry readerRegistry = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas")) {
            for (SpecificRecord record : SampleRecords.allTypes()) {
                String topic = prefix + record.getSchema().getName();
                AvroSerde writer = AvroSerde.of(record.getClass(), writerRegistry);
                AvroSerde reader = AvroSerde.of(record.getClass(), readerRegistry);
                produce(kafka, topic, writer.serialize(topic, record));
                List<ConsumerRecord<String, Object>> read = consumeAll(kafka, topic, 1, reader);
                assertThat(read.get(0).value()).as(record.getSchema().getName()).isEqualTo(record);
            }
        }
    }

    @Test
    void aRecordWrittenWithV2IsReadByTheV1Class(TestKafka kafka) throws IOException {
        String prefix = TestKafka.uniquePrefix("v2tov1");
        String topic = prefix + "events";
        try (SchemaRegistry writerRegistry = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas");
             SchemaRegistry readerRegistry = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas")) {
            GenericRecord v2 = new GenericData.Record(EVENT_V2);
            v2.put("id", "e-9");
            v2.put("event_time", SampleRecords.T.toEpochMilli());
            v2.put("entity", null);
            v2.put("attributes", Map.of("origin", "JFK"));
            v2.put("source", "mobile-app");
            writerRegistry.register(EVENT_V2);
            ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), EVENT_V2).encode(v2);
            produce(kafka, topic, toArray(bytes));

            // A reader that never saw v2 finds it in the registry topic and resolves it into v1.
            AvroSerde<Event> reader = AvroSerde.of(Event.class, readerRegistry);
            Event read = consumeAll(kafka, topic, 1, reader).get(0).value();
            assertThat(read.getId()).isEqualTo("e-9");
            assertThat(read.getEventTime()).isEqualTo(SampleRecords.T);
            assertThat(read.getAttributes()).containsEntry("origin", "JFK");
        }
    }

    @Test
    void aRecordWrittenWithV1IsReadByAV2Reader(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("v1tov2");
        String topic = prefix + "events";
        try (SchemaRegistry writerRegistry = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas");
             SchemaRegistry readerRegistry = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas")) {
            AvroSerde<Event> writer = AvroSerde.of(Event.class, writerRegistry);
            produce(kafka, topic, writer.serialize(topic, SampleRecords.event()));

            BinaryMessageDecoder<GenericRecord> v2Decoder = new BinaryMessageDecoder<>(GenericData.get(), EVENT_V2, readerRegistry);
            Deserializer<GenericRecord> v2Reader = (t, data) -> {
                try {
                    return v2Decoder.decode(data);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            GenericRecord read = consumeAll(kafka, topic, 1, v2Reader).get(0).value();
            assertThat(read.get("id").toString()).isEqualTo("e-1");
            assertThat(read.get("source")).as("the added field takes its default").isNull();
            assertThat(read.get("entity").toString()).isEqualTo("SFO");
        }
    }

    @Test
    void garbageAndUnknownFingerprintsFailWithTopicPartitionOffsetAndReason(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("garbage");
        String topic = prefix + "events";
        try (SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas")) {
            AvroCodec<Event> codec = AvroCodec.of(Event.class, registry);
            byte[] unknownFingerprint = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN)
                    .put((byte) 0xC3).put((byte) 0x01).putLong(0x1234_5678_9abc_def0L).put(new byte[] {2, 65, 0, 0}).array();
            produce(kafka, topic, "not avro at all".getBytes());
            produce(kafka, topic, unknownFingerprint);

            List<ConsumerRecord<String, byte[]>> raw = consumeAll(kafka, topic, 2, new ByteArrayDeserializer());
            assertThatThrownBy(() -> codec.decode(raw.get(0)))
                    .isInstanceOfSatisfying(UndecodableRecordException.class, e -> {
                        assertThat(e.topic()).isEqualTo(topic);
                        assertThat(e.partition()).isEqualTo(raw.get(0).partition());
                        assertThat(e.offset()).isEqualTo(raw.get(0).offset());
                        assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.BAD_HEADER);
                    });
            assertThatThrownBy(() -> codec.decode(raw.get(1)))
                    .isInstanceOfSatisfying(UndecodableRecordException.class, e -> {
                        assertThat(e.offset()).isEqualTo(raw.get(1).offset());
                        assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.UNKNOWN_SCHEMA);
                        assertThat(e.getMessage()).contains(topic + "-" + raw.get(1).partition() + "@" + raw.get(1).offset());
                    });

            // Through a plain consumer with the serde, Kafka names partition and offset around our exception.
            try (var consumer = consumer(kafka, AvroSerde.of(Event.class, registry))) {
                consumer.subscribe(List.of(topic));
                Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(200)))
                                .isInstanceOfSatisfying(RecordDeserializationException.class, e -> {
                                    assertThat(e.offset()).isEqualTo(raw.get(0).offset());
                                    assertThat(e.topicPartition().topic()).isEqualTo(topic);
                                    assertThat(e.getCause()).isInstanceOf(UndecodableRecordException.class);
                                }));
            }
        }
    }

    private static Schema withOptionalSource(Schema v1) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : v1.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("source", SchemaBuilder.unionOf().nullType().and().stringType().endUnion(),
                "where the event came from", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static void produce(TestKafka kafka, String topic, byte[] value) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V> KafkaConsumer<String, V> consumer(TestKafka kafka, Deserializer<V> valueDeserializer) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), valueDeserializer);
    }

    private static <V> List<ConsumerRecord<String, V>> consumeAll(TestKafka kafka, String topic, int count,
                                                                   Deserializer<V> valueDeserializer) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (var consumer = consumer(kafka, valueDeserializer)) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        assertThat(records).hasSize(count);
        return records;
    }
}
