package ai.factory.scoring;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.records.Prediction;
import ai.factory.records.Rejected;
import ai.factory.scoring.model.ReleaseLoader;
import ai.factory.scoring.model.SeenShapes;
import ai.factory.scoring.model.ServingModels;
import ai.factory.scoring.service.LoopSettings;
import ai.factory.scoring.service.ModelsWatcher;
import ai.factory.scoring.service.ReleaseReader;
import ai.factory.scoring.service.AtLeastOnceProducer;
import ai.factory.scoring.service.ExactlyOnceProducer;
import ai.factory.scoring.service.ScoringLoop;
import ai.factory.scoring.service.ScoringProducer;
import ai.factory.scoring.service.ScoringMetrics;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running scorer instance: features in, predictions out, champions hot-swapped from the models topic.
 * Start several with the same group id to split the features partitions; close to leave the group cleanly.
 */
public final class Scorer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Scorer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Bound on reading one release back from the models topic; the watcher retries later when it runs out. */
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(10);
    /** Least transaction timeout: how long a dead instance's open transaction can hold back read_committed readers. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(15);
    /** Bound on each transactional call (init, commit, abort) before it counts as a failed attempt. */
    private static final Duration TRANSACTIONAL_MAX_BLOCK = Duration.ofSeconds(30);

    /** Settings of the classic group protocol that a consumer of the consumer protocol refuses. */
    private static final List<String> CLASSIC_PROTOCOL_ONLY = List.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);

    private final ScorerOptions options;
    private final Delivery delivery;
    private final SchemaRegistry ownedRegistry;
    private final SessionFactory sessions;
    private final ServingModels models;
    private final ModelsWatcher watcher;
    private final ScoringLoop loop;
    private final Thread watcherThread;
    private final Thread loopThread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Scorer(ScorerOptions options, Delivery delivery, String transactionalId, SchemaRegistry registry,
                   SchemaRegistry ownedRegistry, MeterRegistry meters) {
        this.options = options;
        this.delivery = delivery;
        this.ownedRegistry = ownedRegistry;
        Topics topics = options.topics();
        this.sessions = new SessionFactory(options.sessionSettings());
        ScoringMetrics metrics = new ScoringMetrics(meters, options.modelName(), options.groupId(), sessions);
        this.models = new ServingModels(meters);
        SeenShapes shapes = new SeenShapes();
        ReleaseLoader loader = new ReleaseLoader(sessions, options.maxBatchSize(), options.explainTop());
        AvroCodec<ModelRelease> releases = AvroCodec.of(ModelRelease.class, registry);
        ReleaseReader reader = new ReleaseReader(readBackConsumer(options), releases, READ_BACK_TIMEOUT);
        this.watcher = new ModelsWatcher(modelsConsumer(options), reader, topics.models(), options.modelName(),
                options.shadow(), releases, loader, models, shapes, metrics);
        LoopSettings settings = new LoopSettings(topics.features(), topics.predictions(), topics.predictionsShadow(),
                topics.eventsDlq(), options.maxBatchSize(), options.maxWait(), options.maxPendingPerPartition(),
                options.commitInterval(), options.shadow(), options.startFromEarliest(), options.outageLimit());
        KafkaConsumer<String, byte[]> features = featuresConsumer(options);
        ScoringProducer outputs = delivery == Delivery.EXACTLY_ONCE
                ? new ExactlyOnceProducer(() -> transactionalProducer(options, transactionalId), features)
                : new AtLeastOnceProducer(producer(options), features);
        this.loop = new ScoringLoop(settings, features, outputs,
                AvroCodec.of(FeatureVector.class, registry), AvroCodec.of(Prediction.class, registry),
                AvroCodec.of(Rejected.class, registry), models, shapes, metrics);
        this.watcherThread = thread(watcher, options.instanceId() + "-models");
        this.loopThread = thread(loop, options.instanceId() + "-scoring");
    }

    /** Starts a scorer with the schema registry kept in the cluster's schemas topic. */
    public static Scorer start(ScorerOptions options, MeterRegistry meters) {
        SchemaRegistry registry = SchemaRegistryAddress.kafka(options.connection(), options.topics().schemas()).open();
        return start(options, registry, registry, meters);
    }

    /** Starts a scorer with a schema registry the caller owns (and closes). */
    public static Scorer start(ScorerOptions options, SchemaRegistry registry, MeterRegistry meters) {
        return start(options, registry, null, meters);
    }

    private static Scorer start(ScorerOptions options, SchemaRegistry registry, SchemaRegistry owned, MeterRegistry meters) {
        String transactionalId = transactionalId(options);
        Delivery delivery;
        try {
            delivery = DeliveryProbe.resolve(options, transactionalProducerConfig(options, transactionalId));
        } catch (RuntimeException e) {
            if (owned != null) {
                owned.close();
            }
            throw e;
        }
        Scorer scorer = new Scorer(options, delivery, transactionalId, registry, owned, meters);
        scorer.watcherThread.start();
        try {
            if (!scorer.watcher.awaitCaughtUp(options.startupTimeout())) {
                log.warn("Models topic not read within {}; scoring starts and waits for champions", options.startupTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scorer.close();
            throw new IllegalStateException("interrupted while reading the models topic", e);
        }
        scorer.loopThread.start();
        log.info("Scorer {} serving model {} on {} (group {}, {}, batches of {} within {} ms, linger {} ms{}) from {}",
                options.instanceId(), options.modelName(), scorer.device(), options.groupId(), delivery.text(), options.maxBatchSize(),
                options.maxWait().toMillis(), options.producerLinger().toMillis(),
                options.shadow() ? ", shadow scoring on" : "", options.connection());
        return scorer;
    }

    /** The device sessions actually run on (the CPU when CUDA was asked for but could not load). */
    public Device device() {
        return sessions.device();
    }

    public ScorerOptions options() {
        return options;
    }

    /** The delivery this instance runs with: {@link Delivery#AUTO} settled at start. */
    public Delivery delivery() {
        return delivery;
    }

    /** The sessions serving now. */
    public ServingModels models() {
        return models;
    }

    /** The features partitions this instance owns now. */
    public java.util.Set<org.apache.kafka.common.TopicPartition> assignment() {
        return loop.assignment();
    }

    /** Whether both threads still run. */
    public boolean isRunning() {
        return loopThread.isAlive() && watcherThread.isAlive() && failure.get() == null;
    }

    /** What stopped a thread unexpectedly, if anything. */
    public Throwable failure() {
        return failure.get();
    }

    /** Waits up to {@code timeout} for the scorer to stop (closed by another thread, or failed). */
    public void awaitTermination(Duration timeout) throws InterruptedException {
        loopThread.join(timeout.toMillis());
    }

    /** Stops as a crash would: nothing more committed, an open transaction left open (until it times out). For tests. */
    void halt() {
        loop.halt();
        close();
    }

    @Override
    public void close() {
        loop.stop();
        join(loopThread);
        watcher.stop();
        join(watcherThread);
        models.close();
        if (ownedRegistry != null) {
            ownedRegistry.close();
        }
        log.info("Scorer {} stopped", options.instanceId());
    }

    private void join(Thread thread) {
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        try {
            thread.join(STOP_TIMEOUT.toMillis());
            if (thread.isAlive()) {
                log.warn("{} did not stop within {}", thread.getName(), STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread thread(Runnable body, String name) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
                log.error("{} failed", Thread.currentThread().getName(), e);
            }
        }, name);
        thread.setDaemon(false);
        return thread;
    }

    private static KafkaConsumer<String, byte[]> featuresConsumer(ScorerOptions options) {
        return new KafkaConsumer<>(featuresConsumerConfig(options), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaConsumer<String, byte[]> modelsConsumer(ScorerOptions options) {
        return new KafkaConsumer<>(modelsConsumerConfig(options, "-models"), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaConsumer<String, byte[]> readBackConsumer(ScorerOptions options) {
        return new KafkaConsumer<>(readBackConsumerConfig(options), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<String, byte[]> producer(ScorerOptions options) {
        return new KafkaProducer<>(producerConfig(options), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The exactly-once producer: the predictions producer's settings with a transactional id. Transactions last about
     * a commit interval; a scorer that dies with one open holds back read_committed readers of predictions until the
     * coordinator aborts it, so the timeout is short (a restarted instance has a new id and cannot abort it sooner).
     */
    static Map<String, Object> transactionalProducerConfig(ScorerOptions options, String transactionalId) {
        Map<String, Object> config = producerConfig(options);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        long timeout = Math.max(TRANSACTION_TIMEOUT.toMillis(), 3 * options.commitInterval().toMillis());
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) timeout);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TRANSACTIONAL_MAX_BLOCK.toMillis());
        return config;
    }

    /**
     * Unique per instance (two containers may both be {@code scorer-1}); no mapping to partitions is needed, since
     * the group's metadata in each transaction fences a zombie (KIP-447). Starts with the group, so with the prefix.
     */
    static String transactionalId(ScorerOptions options) {
        return options.groupId() + "-" + options.instanceId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static KafkaProducer<String, byte[]> transactionalProducer(ScorerOptions options, String transactionalId) {
        return new KafkaProducer<>(transactionalProducerConfig(options, transactionalId), new StringSerializer(),
                new ByteArraySerializer());
    }

    /** The features consumer: the connection's settings, then the group's. */
    static Map<String, Object> featuresConsumerConfig(ScorerOptions options) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, options.instanceId() + "-features");
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.startFromEarliest() ? "earliest" : "latest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(options.maxBatchSize(), 500));
        // Features from an exactly-once ingest job count only once their transaction commits.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> config = options.connection().clientConfig(props);
        // A settings file shared with the feedback app (Streams, classic protocol) may tune these; the consumer
        // protocol leaves them to the broker and refuses to start with them.
        CLASSIC_PROTOCOL_ONLY.forEach(config::remove);
        return config;
    }

    /** Reads single releases back by offset: an offset no longer in the log must fail, not reset to an end. */
    static Map<String, Object> readBackConsumerConfig(ScorerOptions options) {
        Map<String, Object> props = modelsConsumerConfig(options, "-models-read-back");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // One release is wanted, not the megabytes of releases after it: the broker still returns the first batch whole.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return props;
    }

    /** A consumer of the models topic without a group (it reads every partition itself). */
    static Map<String, Object> modelsConsumerConfig(ScorerOptions options, String clientSuffix) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, options.instanceId() + clientSuffix);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicCatalog.MODELS_MAX_MESSAGE_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, TopicCatalog.MODELS_MAX_MESSAGE_BYTES);
        // The trainer publishes releases in transactions: never serve one that may still be aborted.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return options.connection().clientConfig(props);
    }

    /** The predictions producer: idempotent, lz4, lingering {@link ScorerOptions#producerLinger()}. */
    static Map<String, Object> producerConfig(ScorerOptions options) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, options.instanceId() + "-predictions");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) options.producerLinger().toMillis());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return options.connection().clientConfig(props);
    }
}
