package ai.factory.trainer.release;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicReader;
import ai.factory.trainer.model.OnnxWeights;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The {@code models} topic as a catalog: list releases, promote, roll back and import models
 * (what {@code factory models list|promote|rollback|import} runs). The latest record of a key
 * "name/version" is that version's status; the champion is the highest version whose status is CHAMPION.
 */
public final class ModelCatalog implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConnection kafka;
    private final String topic;
    private final AvroSerde<ModelRelease> serde;
    private final KafkaProducer<String, ModelRelease> producer;

    public ModelCatalog(KafkaConnection kafka, String modelsTopic, SchemaRegistry registry) {
        this.kafka = kafka;
        this.topic = modelsTopic;
        this.serde = AvroSerde.of(ModelRelease.class, registry);
        this.producer = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(), serde);
    }

    /** The producer's settings: the cluster's, then idempotent writes of releases up to 64 MiB. */
    static Map<String, Object> producerConfig(KafkaConnection kafka) {
        return kafka.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024));
    }

    /** The reader's settings: the cluster's, then committed releases only (no group: it reads the topic from the start). */
    static Map<String, Object> consumerConfig(KafkaConnection kafka) {
        return kafka.clientConfig(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024));
    }

    /** The key of a release on the models topic. */
    public static String key(String modelName, long version) {
        return modelName + "/" + version;
    }

    /** Every release's current state, ordered by model name and version. */
    public List<ModelRelease> list() {
        Map<String, ModelRelease> latest = new LinkedHashMap<>();
        readAll().forEach(r -> {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        });
        List<ModelRelease> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing((ModelRelease m) -> m.getModelName()).thenComparingLong(ModelRelease::getVersion));
        return out;
    }

    /** The releases of one model, by version. */
    public List<ModelRelease> list(String modelName) {
        return list().stream().filter(r -> r.getModelName().equals(modelName)).toList();
    }

    /** The highest version whose current status is CHAMPION. */
    public Optional<ModelRelease> champion(String modelName) {
        return champion(list(modelName));
    }

    static Optional<ModelRelease> champion(List<ModelRelease> releases) {
        return releases.stream().filter(r -> r.getStatus() == ReleaseStatus.CHAMPION)
                .max(Comparator.comparingLong(ModelRelease::getVersion));
    }

    /** The highest version published for {@code modelName}, or 0. */
    public long latestVersion(String modelName) {
        return list(modelName).stream().mapToLong(ModelRelease::getVersion).max().orElse(0L);
    }

    /** Republishes {@code version} as CHAMPION. */
    public ModelRelease promote(String modelName, long version, String reason) {
        ModelRelease release = find(modelName, version);
        if (!OnnxWeights.read(release.getOnnx().array()).params().values().stream().allMatch(t -> t.isFinite())) {
            throw new IllegalStateException(key(modelName, version) + " has non-finite weights and cannot be promoted");
        }
        return publish(withStatus(release, ReleaseStatus.CHAMPION, reason.isBlank() ? "promoted manually" : reason));
    }

    /** Retires the current champion, which makes the previous champion current again; returns the new champion, if any. */
    public Optional<ModelRelease> rollback(String modelName) {
        ModelRelease current = champion(modelName)
                .orElseThrow(() -> new IllegalStateException("model " + modelName + " has no champion to roll back"));
        publish(withStatus(current, ReleaseStatus.RETIRED, "rolled back"));
        return champion(modelName);
    }

    /**
     * Publishes an ONNX model this project produced as the next version of {@code modelName}, as a CANDIDATE:
     * promote it to serve it, or name its version as the trainer's warm start.
     */
    public ModelRelease importModel(String modelName, byte[] onnx, String specName, int specVersion, String source) {
        OnnxWeights.Loaded loaded = OnnxWeights.read(onnx);
        Instant now = Instant.now();
        Map<String, String> provenance = new LinkedHashMap<>(loaded.config().toProperties());
        provenance.put("imported_from", source);
        ModelRelease release = ModelRelease.newBuilder()
                .setModelName(modelName).setVersion(latestVersion(modelName) + 1).setParentVersion(null)
                .setStatus(ReleaseStatus.CANDIDATE).setStatusReason("imported from " + source)
                .setModelKind(loaded.config().kind().label()).setOnnx(ByteBuffer.wrap(onnx))
                .setSpecName(specName).setSpecVersion(specVersion)
                .setDenseSize(loaded.config().denseSize()).setSparseBuckets(loaded.config().buckets())
                .setCreatedAt(now).setExamplesTrained(0L).setTrainedThroughEventTime(Instant.EPOCH)
                .setTrainingData(List.of()).setMetrics(Map.of()).setProvenance(provenance)
                .build();
        return publish(release);
    }

    /** Publishes a new release; its version must be above the newest (the caller has just listed them). */
    public ModelRelease add(ModelRelease release) {
        return publish(release);
    }

    /** The current state of one release. */
    public ModelRelease find(String modelName, long version) {
        return list(modelName).stream().filter(r -> r.getVersion() == version).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no release " + key(modelName, version)));
    }

    private static ModelRelease withStatus(ModelRelease release, ReleaseStatus status, String reason) {
        return ModelRelease.newBuilder(release).setStatus(status).setStatusReason(reason).build();
    }

    private ModelRelease publish(ModelRelease release) {
        try {
            producer.send(new ProducerRecord<>(topic, key(release.getModelName(), release.getVersion()), release))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return release;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted publishing " + key(release.getModelName(), release.getVersion()), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot publish " + key(release.getModelName(), release.getVersion()) + ": " + e.getMessage(), e);
        }
    }

    private List<ConsumerRecord<String, ModelRelease>> readAll() {
        List<ConsumerRecord<String, ModelRelease>> records = new ArrayList<>();
        try (KafkaConsumer<String, ModelRelease> consumer = new KafkaConsumer<>(consumerConfig(kafka), new StringDeserializer(), serde)) {
            TopicReader.readToEnd(consumer, topic, TIMEOUT, records::add);
        }
        return records;
    }

    @Override
    public void close() {
        producer.close(TIMEOUT);
    }
}
