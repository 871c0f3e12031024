package ai.factory.scoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.records.Prediction;
import ai.factory.records.Rejected;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** One test's factory topics on the shared test broker, with helpers to feed and read them. */
public final class KafkaHarness implements AutoCloseable {

    private final TestKafka kafka;
    private final Topics topics;
    private final SchemaRegistry registry;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroCodec<FeatureVector> vectors;
    private final AvroCodec<ModelRelease> releases;
    private final AvroCodec<Prediction> predictions;
    private final AvroCodec<Rejected> rejections;

    public KafkaHarness(TestKafka kafka, String name, int partitions) {
        this(kafka, name, partitions, topics -> new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas()));
    }

    /** A harness whose codecs, and whose scorers, use the registry {@code openRegistry} opens for the topics. */
    public KafkaHarness(TestKafka kafka, String name, int partitions, Function<Topics, SchemaRegistry> openRegistry) {
        this.kafka = kafka;
        this.topics = new Topics(TestKafka.uniquePrefix(name));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, partitions));
        }
        this.registry = openRegistry.apply(topics);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MODELS_MAX_MESSAGE_BYTES);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.vectors = AvroCodec.of(FeatureVector.class, registry);
        this.releases = AvroCodec.of(ModelRelease.class, registry);
        this.predictions = AvroCodec.of(Prediction.class, registry);
        this.rejections = AvroCodec.of(Rejected.class, registry);
    }

    public Topics topics() {
        return topics;
    }

    /** Scorer options for this harness's topics: small batches, frequent commits. */
    public ScorerOptions options(String instance) {
        return ScorerOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()), Fixtures.MODEL)
                .withTopicPrefix(topics.prefix())
                .withGroup("scorers", instance)
                .withDevice(ai.factory.onnx.Device.CPU, 1)
                .withBatching(64, Duration.ofMillis(5))
                .withCommitInterval(Duration.ofMillis(200));
    }

    public Scorer start(ScorerOptions options, MeterRegistry meters) {
        return Scorer.start(options, registry, meters);
    }

    public void produce(List<FeatureVector> batch) {
        for (FeatureVector vector : batch) {
            producer.send(new ProducerRecord<>(topics.features(), vector.getEventId(), vectors.encode(vector)));
        }
        producer.flush();
    }

    /** Writes raw bytes to the features topic, as a broken producer would. */
    public void produceRaw(String key, byte[] value) {
        send(new ProducerRecord<>(topics.features(), key, value));
    }

    /** Writes {@code release} to the models topic; returns the offset of its record. */
    public long publish(ModelRelease release) {
        return send(new ProducerRecord<>(topics.models(), release.getModelName() + "/" + release.getVersion(),
                releases.encode(release))).offset();
    }

    /** The codec of releases on this harness's models topic. */
    public AvroCodec<ModelRelease> releaseCodec() {
        return releases;
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to " + record.topic(), e);
        }
    }

    /** A reader of everything committed to {@code topic}, from the beginning, decoded by {@code decoder}. */
    public <T> TopicReader<T> reader(String topic, Decoder<T> decoder) {
        return new TopicReader<>(topic, decoder, true);
    }

    /** A reader that accumulates everything committed to a topic, from the beginning (read_committed). */
    public TopicReader<Prediction> predictions() {
        return new TopicReader<>(topics.predictions(), predictions::decode, true);
    }

    /** Every prediction written, those of aborted transactions too (read_uncommitted). */
    public TopicReader<Prediction> predictionsIncludingAborted() {
        return new TopicReader<>(topics.predictions(), predictions::decode, false);
    }

    public TopicReader<Prediction> shadowPredictions() {
        return new TopicReader<>(topics.predictionsShadow(), predictions::decode, true);
    }

    /** Every shadow prediction written, those of aborted transactions too (read_uncommitted). */
    public TopicReader<Prediction> shadowPredictionsIncludingAborted() {
        return new TopicReader<>(topics.predictionsShadow(), predictions::decode, false);
    }

    public TopicReader<Rejected> deadLetters() {
        return new TopicReader<>(topics.eventsDlq(), rejections::decode, true);
    }

    /** The offsets the scorers' group (as {@link #options} names it) has committed on the features topic. */
    public Map<TopicPartition, Long> committedOffsets() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(topics.prefix() + "scorers").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).forEach((partition, offset) -> {
                        if (offset != null) {
                            offsets.put(partition, offset.offset());
                        }
                    });
            return offsets;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the committed offsets", e);
        }
    }

    /** Sets one configuration entry of one of this harness's topics. */
    public void setTopicConfig(String topic, String key, String value) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value),
                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set " + key + " of " + topic, e);
        }
    }

    /** Writes raw bytes under {@code key} to the models topic, as a broken publisher would. */
    public void publishRaw(String key, byte[] value) {
        send(new ProducerRecord<>(topics.models(), key, value));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        registry.close();
    }

    /** Decodes one consumed record. */
    public interface Decoder<T> {
        T decode(ConsumerRecord<String, byte[]> record);
    }

    /** A record read back, with where it was. */
    public record Read<T>(String key, int partition, long offset, T value) {
    }

    /** Reads a topic from its beginning; each {@link #poll()} adds what arrived since. */
    public final class TopicReader<T> implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Decoder<T> decoder;
        private final List<Read<T>> read = new ArrayList<>();

        TopicReader(String topic, Decoder<T> decoder, boolean committedOnly) {
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            this.decoder = decoder;
        }

        /** Everything read so far, after reading what arrived since the last call. */
        public List<Read<T>> poll() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                read.add(new Read<>(record.key(), record.partition(), record.offset(), decoder.decode(record)));
            }
            return read;
        }

        public List<T> values() {
            return poll().stream().map(Read::value).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
