package ai.factory.trainer.release;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.LedgerDecision;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.release.ReleaseRefusedException;
import ai.factory.release.Transition;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.UndecodableRecordException;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.TopicReader;
import ai.factory.trainer.model.OnnxWeights;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code models} topic as a catalog: list releases, promote, roll back and import models
 * (what {@code factory models list|promote|rollback|import} runs). The latest record of a key
 * "name/version" is that version's status; which release is champion, and which moves are allowed, the
 * {@link ReleaseLedger} decides (the same rule and guards as the scorers and the ops API).
 *
 * <p>Each call reads the topic afresh, one record at a time: a record that cannot be decoded is skipped with a
 * warning (the version keeps the state of its previous record), and only the releases a call needs keep their ONNX
 * graphs; listings carry none.
 */
public final class ModelCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConnection kafka;
    private final String topic;
    private final AvroCodec<ModelRelease> codec;
    private final KafkaProducer<String, ModelRelease> producer;
    private volatile long skipped;

    public ModelCatalog(KafkaConnection kafka, String modelsTopic, SchemaRegistry registry) {
        this.kafka = kafka;
        this.topic = modelsTopic;
        this.codec = AvroCodec.of(ModelRelease.class, registry);
        this.producer = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(), AvroSerde.of(ModelRelease.class, registry));
    }

    /** The producer's settings: the cluster's, then idempotent writes of releases up to the models topic's limit. */
    static Map<String, Object> producerConfig(KafkaConnection kafka) {
        Map<String, Object> props = new HashMap<>(TopicCatalog.MODELS_PRODUCER_LIMITS);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return kafka.clientConfig(props);
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
        return ReleaseLedger.key(modelName, version);
    }

    /** Every release's current state without its ONNX graph ({@code onnx} empty), ordered by model name and version. */
    public List<ModelRelease> releases() {
        return sorted(latest(r -> false).releases().values());
    }

    /** The releases of one model, by version, without their ONNX graphs. */
    public List<ModelRelease> releases(String modelName) {
        return releases().stream().filter(r -> r.getModelName().equals(modelName)).toList();
    }

    /** The releases of one model, by version, with their ONNX graphs (other models' graphs are not kept). */
    public List<ModelRelease> list(String modelName) {
        return sorted(latest(r -> r.getModelName().equals(modelName)).releases().values()).stream()
                .filter(r -> r.getModelName().equals(modelName)).toList();
    }

    /** The champion of {@code modelName} as the ledger decides it, with its ONNX graph. */
    public Optional<ModelRelease> champion(String modelName) {
        return ledger().champion(modelName).map(c -> find(modelName, c.version()));
    }

    /** The ledger of the topic as it is now (no graphs read). */
    public ReleaseLedger ledger() {
        return latest(r -> false).ledger();
    }

    /** The highest version published for {@code modelName}, or 0. */
    public long latestVersion(String modelName) {
        return releases(modelName).stream().mapToLong(ModelRelease::getVersion).max().orElse(0L);
    }

    /** Records of the topic that could not be decoded, skipped by this catalog's last read of it. */
    public long skipped() {
        return skipped;
    }

    /**
     * Makes {@code version} the champion, as the ledger allows ({@link ReleaseRefusedException} otherwise, with the
     * message the ops API gives too); returns the promoted release.
     */
    public ModelRelease promote(String modelName, long version, String reason) {
        LedgerDecision decision = ledger().promote(modelName, version, ReleaseActor.OPERATOR, reason);
        ModelRelease release = find(modelName, version);
        if (!OnnxWeights.read(release.getOnnx().array()).params().values().stream().allMatch(t -> t.isFinite())) {
            throw new ReleaseRefusedException(key(modelName, version) + " has non-finite weights and cannot be promoted");
        }
        return write(decision).get(0);
    }

    /**
     * Rolls back the champion, as the ledger allows (never the only one), which makes the previous champion current
     * again; returns the new champion, without its ONNX graph.
     */
    public Optional<ModelRelease> rollback(String modelName, String reason) {
        LedgerDecision decision = ledger().rollback(modelName, ReleaseActor.OPERATOR, reason);
        write(decision);
        return decision.championAfter().flatMap(c -> releases(modelName).stream()
                .filter(r -> r.getVersion() == c.version()).findFirst());
    }

    /**
     * Tells a trainer held after an operator's move ({@code --after-operator hold}) to publish again: re-records the
     * champion, which keeps serving; returns it, without its ONNX graph.
     */
    public ModelRelease resume(String modelName, String reason) {
        return write(ledger().resume(modelName, ReleaseActor.OPERATOR, reason)).get(0);
    }

    /** Publishes a decision's records in order, each the release's latest record with its new status. */
    private List<ModelRelease> write(LedgerDecision decision) {
        List<ModelRelease> written = new ArrayList<>();
        for (Transition transition : decision.transitions()) {
            written.add(publish(transition.applyTo(find(transition.model(), transition.version()))));
        }
        return written;
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
                .setStatus(ReleaseStatus.CANDIDATE).setStatusReason("imported from " + source).setStatusBy(ReleaseActor.OPERATOR)
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

    /** The current state of one release, with its ONNX graph. */
    public ModelRelease find(String modelName, long version) {
        return latest(r -> r.getModelName().equals(modelName) && r.getVersion() == version).releases().values().stream()
                .filter(r -> r.getModelName().equals(modelName) && r.getVersion() == version).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no release " + key(modelName, version)));
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

    /** The latest release of every key, and the ledger of those records. */
    private record Snapshot(Map<String, ModelRelease> releases, ReleaseLedger ledger) {
    }

    /**
     * The latest release of every key, read record by record; a release keeps its ONNX graph only when
     * {@code withGraph} says so. Undecodable records are skipped with a warning, tombstones delete their key.
     */
    private Snapshot latest(Predicate<ModelRelease> withGraph) {
        Map<String, ModelRelease> latest = new HashMap<>();
        ReleaseLedger ledger = new ReleaseLedger();
        AtomicLong undecodable = new AtomicLong();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicReader.readToEnd(consumer, topic, TIMEOUT, record -> {
                if (record.value() == null) {
                    latest.remove(record.key());
                    ledger.apply(record.key(), null, record.offset());
                    return;
                }
                ModelRelease release;
                try {
                    release = codec.decode(record);
                } catch (UndecodableRecordException e) {
                    undecodable.incrementAndGet();
                    LOG.warn("Skipping an undecodable record on {} (key {}): {}", topic, record.key(), e.getMessage());
                    return;
                }
                if (!withGraph.test(release)) {
                    release.setOnnx(ByteBuffer.allocate(0));
                }
                String key = record.key() != null ? record.key() : key(release.getModelName(), release.getVersion());
                latest.put(key, release);
                ledger.apply(key, ReleaseFacts.of(release), record.offset());
            });
        }
        skipped = undecodable.get();
        return new Snapshot(latest, ledger);
    }

    private static List<ModelRelease> sorted(Collection<ModelRelease> releases) {
        List<ModelRelease> out = new ArrayList<>(releases);
        out.sort(Comparator.comparing(ModelRelease::getModelName).thenComparingLong(ModelRelease::getVersion));
        return out;
    }

    @Override
    public void close() {
        producer.close(TIMEOUT);
    }
}
