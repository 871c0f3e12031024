package ai.factory.serde;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicReader;
import ai.factory.topics.TopicSpec;
import ai.factory.kafka.KafkaConnection;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry kept in a compacted Kafka topic: key = fingerprint (hex), value = schema JSON.
 *
 * <p>Writers publish each schema once per process before its first record; readers that meet an
 * unknown fingerprint re-read the topic once and retry. The cluster that carries the data carries
 * its schemas, so nothing else has to run.
 */
public final class KafkaSchemaRegistry implements SchemaRegistry {

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaRegistry.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> clientConfig;
    private final SchemaStore.Cache cache = new SchemaStore.Cache();
    private final Set<Long> known = new HashSet<>();

    /** Connects to the registry topic of {@code kafka}, creating the topic when it is missing. */
    public KafkaSchemaRegistry(KafkaConnection kafka, String topic) {
        this.topic = topic;
        this.clientConfig = kafka.clientConfig();
        try (Admin admin = Admin.create(clientConfig)) {
            TopicAdmin.ensure(admin, List.of(TopicSpec.schemas(topic)));
        }
    }

    /** Connects to the registry topic on a plaintext cluster without authentication (an embedded broker, tests). */
    public KafkaSchemaRegistry(String bootstrapServers, String topic) {
        this(KafkaConnection.of(bootstrapServers), topic);
    }

    @Override
    public synchronized void register(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        if (known.contains(fingerprint)) {
            return;
        }
        // A producer per registration, closed at once: a registry opened inside a Flink operator or a serializer
        // has no close hook, and a long-lived producer there outlived the job and the broker (a few schemas a process).
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, Long.toHexString(fingerprint), schema.toString()))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing schema " + schema.getFullName(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot publish schema " + schema.getFullName() + " to " + topic, e);
        }
        remember(fingerprint, schema);
    }

    @Override
    public synchronized Schema findByFingerprint(long fingerprint) {
        Schema schema = cache.findByFingerprint(fingerprint);
        if (schema == null) {
            reload();
            schema = cache.findByFingerprint(fingerprint);
        }
        return schema;
    }

    /** Nothing to release: every client this registry makes is closed before its call returns. */
    @Override
    public void close() {
    }

    private void remember(long fingerprint, Schema schema) {
        cache.addSchema(schema);
        known.add(fingerprint);
    }

    /** Reads the whole registry topic up to its current end. */
    private void reload() {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicReader.readToEnd(consumer, topic, TIMEOUT, record ->
                    parse(record).ifPresent(schema -> remember(SchemaNormalization.parsingFingerprint64(schema), schema)));
        }
    }

    private static Optional<Schema> parse(ConsumerRecord<String, String> record) {
        try {
            return Optional.of(new Schema.Parser().parse(record.value()));
        } catch (RuntimeException e) {
            log.warn("Skipping unreadable schema at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    private KafkaProducer<String, String> producer() {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
