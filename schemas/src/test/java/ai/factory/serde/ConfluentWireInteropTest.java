package ai.factory.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.options.KafkaOptions;
import ai.factory.records.Event;
import ai.factory.serde.UndecodableRecordException.Reason;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Confluent wire format through a real broker, with Apicurio's serdes on the other side: the factory's topics read
 * by the library's own deserializer, as an outside consumer would, and records of the library's serializer, as an
 * outside producer writes them, read by the factory. The registry behind the library's client is kept in memory
 * ({@link RegistryClientInMemory}): no registry server can be started on these machines.
 */
@ExtendWith(KafkaExtension.class)
class ConfluentWireInteropTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void theLibrarysDeserializerReadsEveryRecordTypeTheFactoryWrites(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("confluent-out");
        RegistryClientInMemory registry = RegistryClientInMemory.create();
        try (SchemaRegistry factory = factoryRegistry(kafka, prefix, registry);
             AvroKafkaDeserializer<Object> outside = registry.outsideDeserializer()) {
            for (SpecificRecord record : SampleRecords.allTypes()) {
                String topic = prefix + record.getSchema().getName();
                AvroSerde writer = AvroSerde.of(record.getClass(), factory);
                byte[] written = writer.serialize(topic, record);
                assertThat(written[0]).as("magic byte").isEqualTo(ConfluentWireFormat.MAGIC);
                assertThat(ConfluentWireFormat.schemaId(written)).isPositive();
                // The first record is the library's; the codec writes the others with its header, byte for byte.
                byte[] again = writer.serialize(topic, record);
                assertThat(again).isEqualTo(written);
                try (AvroKafkaSerializer<Object> library = registry.outsideSerializer()) {
                    assertThat(library.serialize(topic, record)).isEqualTo(again);
                }
                produce(kafka, topic, written);
                produce(kafka, topic, again);

                List<ConsumerRecord<String, Object>> read = consumeAll(kafka, topic, 2, outside);
                assertThat(read).as(record.getSchema().getName()).allSatisfy(r -> assertThat(r.value()).isEqualTo(record));
            }
            // One subject per record type, named as Confluent's RecordNameStrategy names it (the outside serializer's
            // are named after the topic, as Confluent's TopicNameStrategy).
            assertThat(registry.registrations()).extracting(RegistryClientInMemory.Registration::artifactId)
                    .filteredOn(subject -> !subject.endsWith("-value"))
                    .containsExactlyElementsOf(SampleRecords.allTypes().stream().map(r -> r.getSchema().getFullName()).toList());
        }
    }

    @Test
    void theFactoryReadsWhatAnOutsideProducerWritesBesideItsOwnFormat(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("confluent-in");
        String topic = prefix + "events";
        RegistryClientInMemory registry = RegistryClientInMemory.create();
        GenericRecord v2 = eventV2("e-outside", "mobile-app");
        try (AvroKafkaSerializer<Object> outside = registry.outsideSerializer();
             SchemaRegistry own = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas");
             SchemaRegistry factory = factoryRegistry(kafka, prefix, registry)) {
            // The outside producer's own choices: subjects by topic, a newer Event with a field the factory lacks.
            produce(kafka, topic, outside.serialize(topic, SampleRecords.event()));
            produce(kafka, topic, outside.serialize(topic, v2));
            // And a record of a factory without --schema-registry, written before it was given.
            produce(kafka, topic, AvroCodec.of(Event.class, own).encode(SampleRecords.event()));

            List<Event> read = consumeAll(kafka, topic, 3, AvroSerde.of(Event.class, factory)).stream()
                    .map(ConsumerRecord::value).toList();
            assertThat(read.get(0)).isEqualTo(SampleRecords.event());
            assertThat(read.get(1).getId()).isEqualTo("e-outside");
            assertThat(read.get(1).getAttributes()).containsEntry("origin", "JFK");
            assertThat(read.get(2)).isEqualTo(SampleRecords.event());
        }
    }

    @Test
    void anUnknownSchemaIdIsTheRecordsFailureAndIsNotAskedForAgainAtOnce(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("confluent-unknown");
        RegistryClientInMemory registry = RegistryClientInMemory.create();
        try (SchemaRegistry factory = factoryRegistry(kafka, prefix, registry)) {
            AvroCodec<Event> events = AvroCodec.of(Event.class, factory);
            byte[] unknown = {0, 0, 0, 0x30, 0x39, 2, 65};
            RecordSource source = new RecordSource(prefix + "events", 0, 7);
            assertThatThrownBy(() -> events.decode(source, unknown))
                    .isInstanceOfSatisfying(UndecodableRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA));
            long start = System.nanoTime();
            assertThatThrownBy(() -> events.decode(source, unknown)).isInstanceOf(UndecodableRecordException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the miss is remembered").isLessThan(Duration.ofMillis(50));
            assertThatThrownBy(() -> events.decode(source, new byte[] {0, 0, 1}))
                    .isInstanceOfSatisfying(UndecodableRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER));
        }
    }

    @Test
    void withoutARegistryTheFormatIsTheFactorysOwnAndConfluentRecordsAreUnknownSchemas(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("confluent-none");
        RegistryClientInMemory registry = RegistryClientInMemory.create();
        try (SchemaRegistry own = new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas");
             SchemaRegistry factory = factoryRegistry(kafka, prefix, registry)) {
            assertThat(own.confluent()).isNull();
            byte[] ownBytes = AvroCodec.of(Event.class, own).encode(SampleRecords.event());
            assertThat(ownBytes[0]).isEqualTo((byte) 0xC3);

            byte[] confluentBytes = AvroCodec.of(Event.class, factory).encode(SampleRecords.event());
            assertThatThrownBy(() -> AvroCodec.of(Event.class, own).decode(RecordSource.topicOnly("t"), confluentBytes))
                    .isInstanceOfSatisfying(UndecodableRecordException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
                        assertThat(e.getMessage()).contains("--schema-registry");
                    });
        }
    }

    @Test
    void theOptionPutsEveryWriterOnTheRegistryAndAnUnreachableRegistryIsNoRecordsFault(TestKafka kafka, @TempDir Path dir)
            throws IOException {
        String prefix = TestKafka.uniquePrefix("confluent-option");
        Path config = Files.writeString(dir.resolve("client.properties"), "apicurio.registry.retry-count=1\n");
        KafkaOptions options = new KafkaOptions();
        new CommandLine(options).parseArgs("--bootstrap", kafka.bootstrapServers(), "--kafka-config", config.toString(),
                "--schema-registry", "http://127.0.0.1:9/");
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(options.connection(), prefix + "schemas").open()) {
            assertThat(registry.confluent()).isNotNull();
            AvroCodec<Event> events = AvroCodec.of(Event.class, registry);
            assertThatThrownBy(() -> events.encode(SampleRecords.event())).isInstanceOf(KafkaException.class)
                    .hasMessageContaining("schema registry");
            // A record the registry could not be asked about is not dead-lettered: the caller retries or stops.
            assertThatThrownBy(() -> events.decode(RecordSource.topicOnly("t"), new byte[] {0, 0, 0, 0, 1, 2, 65}))
                    .isInstanceOf(KafkaException.class).isNotInstanceOf(UndecodableRecordException.class);
        }
    }

    private static SchemaRegistry factoryRegistry(TestKafka kafka, String prefix, RegistryClientInMemory registry) {
        return new ConfluentSchemaRegistry(new KafkaSchemaRegistry(kafka.bootstrapServers(), prefix + "schemas"),
                ConfluentWireFormat.through(registry.client(), Map.of()));
    }

    private static GenericRecord eventV2(String id, String source) {
        Schema v1 = Event.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : v1.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("source", SchemaBuilder.unionOf().nullType().and().stringType().endUnion(),
                "where the event came from", Schema.Field.NULL_DEFAULT_VALUE));
        Schema v2 = Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
        GenericRecord record = new GenericData.Record(v2);
        record.put("id", id);
        record.put("event_time", SampleRecords.T.toEpochMilli());
        record.put("entity", null);
        record.put("attributes", Map.of("origin", "JFK"));
        record.put("source", source);
        return record;
    }

    private static void produce(TestKafka kafka, String topic, byte[] value) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V> List<ConsumerRecord<String, V>> consumeAll(TestKafka kafka, String topic, int count,
                                                                   Deserializer<V> valueDeserializer) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), valueDeserializer)) {
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
