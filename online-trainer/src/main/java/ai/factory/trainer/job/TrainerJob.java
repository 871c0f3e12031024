package ai.factory.trainer.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import ai.factory.flink.CheckpointDirectory;
import ai.factory.flink.InProcessFlink;
import ai.factory.flink.metrics.MicrometerReporterFactory;
import ai.factory.flink.Snapshots;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.ReleaseSpec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicCatalog;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.LabelScales;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.release.ModelCatalog;
import ai.factory.trainer.release.PromotionGate;
import ai.factory.trainer.release.ReleaseFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online-trainer Flink job: {@code examples} → validated examples (bad ones to the dead-letter topic) →
 * {@link TrainerFunction} → model releases on {@code models}, written with Kafka transactions so each release
 * appears exactly once even when the job restarts from a checkpoint.
 */
public final class TrainerJob {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerJob.class);

    private TrainerJob() {
    }

    /** Decides the starting weights and versions of a job without a checkpoint, from the models topic. */
    public static StartingPoint startingPoint(TrainerOptions options) {
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(options.kafka(), options.topics().models(), registry)) {
            var releases = catalog.list(options.modelName());
            long next = releases.stream().mapToLong(ModelRelease::getVersion).max().orElse(0L) + 1;
            // The champion of the spec this job trains for, as every reader of the topic sees it.
            Optional<ModelRelease> champion = catalog.ledger()
                    .champion(options.modelName(), new ReleaseSpec(options.specName(), options.specVersion()))
                    .flatMap(c -> releases.stream().filter(r -> r.getVersion() == c.version()).findFirst());
            var championParams = champion.map(r -> weightsOf(r, options.model())).orElse(null);
            Long championVersion = champion.map(ModelRelease::getVersion).orElse(null);
            Optional<ModelRelease> warm = switch (options.warmStart()) {
                case NONE -> Optional.empty();
                case CHAMPION -> champion;
                case VERSION -> Optional.of(releases.stream().filter(r -> r.getVersion() == options.warmStartVersion()).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no release "
                                + ModelCatalog.key(options.modelName(), options.warmStartVersion()) + " to warm-start from")));
            };
            if (champion.isEmpty() && options.initialRelease() && options.warmStart() != TrainerOptions.WarmStart.VERSION) {
                ModelRelease initial = catalog.add(initialRelease(options, next));
                LOG.info("{}: no champion; published the initial weights as champion v{}", options.modelName(), next);
                var params = weightsOf(initial, options.model());
                return new StartingPoint(params, next + 1, next, 0, next, params);
            }
            if (warm.isEmpty()) {
                LOG.info("{}: starting from fresh weights as version {}", options.modelName(), next);
                return new StartingPoint(null, next, null, 0, championVersion, championParams);
            }
            ModelRelease from = warm.get();
            LOG.info("{}: warm start from v{} ({} examples), first release will be v{}", options.modelName(),
                    from.getVersion(), from.getExamplesTrained(), next);
            return new StartingPoint(weightsOf(from, options.model()), next, from.getVersion(), from.getExamplesTrained(),
                    championVersion, championParams);
        }
    }

    /**
     * The model before any training, as a champion: scorers serve it from the first event (predict, then learn), so
     * labels join their predictions at once instead of waiting for their windows to close without one.
     */
    private static ModelRelease initialRelease(TrainerOptions options, long version) {
        var params = TrainingState.initial(options.model()).params();
        var decision = new PromotionGate.Decision(ReleaseStatus.CHAMPION,
                "initial weights, trained on no examples: serves until a trained release beats it on unseen examples");
        var lineage = new ReleaseFactory.Lineage(version, null, 0, null, 0, options.topics().examples(), Map.of());
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("requested_device", options.device().toString());
        provenance.put("source_topic", options.topics().examples());
        return ReleaseFactory.build(options.modelName(), options.specName(), options.specVersion(), options.model(),
                params, lineage, decision, Map.of(), provenance);
    }

    /** The weights of {@code release} for a trainer configured as {@code config} (label scale carried over). */
    static Map<String, FloatTensor> weightsOf(ModelRelease release, ModelConfig config) {
        OnnxWeights.Loaded loaded = OnnxWeights.read(release.getOnnx().array());
        ModelConfig c = loaded.config();
        if (c.kind() != config.kind() || c.denseSize() != config.denseSize() || c.sparseWidth() != config.sparseWidth()
                || c.buckets() != config.buckets() || c.embeddingDim() != config.embeddingDim() || !c.hidden().equals(config.hidden())
                || c.task() != config.task() || !java.util.Objects.equals(c.imported(), config.imported())) {
            throw new IllegalArgumentException("release v" + release.getVersion() + " is a " + c.toProperties()
                    + " model; the trainer is configured for " + config.toProperties());
        }
        // The weights learnt labels standardised by the release's scale: carried to the trainer's, they serve the same scores.
        if (c.labelMean() != config.labelMean() || c.labelStd() != config.labelStd()) {
            LOG.info("release v{} has label scale {}/{}; its weights are carried to the trainer's {}/{}", release.getVersion(),
                    c.labelMean(), c.labelStd(), config.labelMean(), config.labelStd());
        }
        return LabelScales.rescale(c, config, loaded.params());
    }

    /**
     * Adds the job to {@code env}. {@code tap} sees the validated examples before the trainer (identity in
     * production; tests use it to inject a failure).
     */
    public static void build(StreamExecutionEnvironment env, TrainerOptions options, StartingPoint start,
                             UnaryOperator<DataStream<TrainingExample>> tap) {
        String jobName = "online-trainer-" + options.modelName();
        KafkaSource<ReadResult> source = KafkaSource.<ReadResult>builder()
                .setProperties(consumerProperties(options))
                .setTopics(options.topics().examples())
                .setGroupId(options.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ExampleReader(options.registry(), options.specName(), options.specVersion(),
                        options.model(), jobName))
                .build();
        DataStream<ReadResult> read = env.fromSource(source, WatermarkStrategy.noWatermarks(), "examples");

        DataStream<TrainingExample> accepted = read.filter(ReadResult::isAccepted).name("accepted")
                .map(ReadResult::example).returns(TypeInformation.of(TrainingExample.class)).name("example");
        String modelName = options.modelName();
        tap.apply(accepted)
                .keyBy(e -> modelName, Types.STRING)
                .process(new TrainerFunction(options, start)).returns(TypeInformation.of(KeyedBytes.class))
                .name("train " + modelName).uid("trainer").setParallelism(1).setMaxParallelism(1)
                .sinkTo(sink(options, options.topics().models(), DeliveryGuarantee.EXACTLY_ONCE, options.groupId() + "-models"))
                .name("models").uid("models-sink").setParallelism(1);

        read.filter(r -> !r.isAccepted()).name("rejected")
                .map(ReadResult::rejected).returns(TypeInformation.of(KeyedBytes.class)).name("dead letter")
                .sinkTo(sink(options, options.dlqTopic(), DeliveryGuarantee.AT_LEAST_ONCE, options.groupId() + "-dlq"))
                .name("dead-letter").uid("dlq-sink");
    }

    private static KafkaSink<KeyedBytes> sink(TrainerOptions options, String topic, DeliveryGuarantee guarantee, String txPrefix) {
        KafkaRecordSerializationSchema<KeyedBytes> serializer = KafkaRecordSerializationSchema.<KeyedBytes>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new KeyedBytesSchemas.Key())
                .setValueSerializationSchema(new KeyedBytesSchemas.Value())
                .build();
        return KafkaSink.<KeyedBytes>builder()
                .setKafkaProducerConfig(producerProperties(options))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(txPrefix)
                .build();
    }

    /** The examples source's consumer settings: the cluster's, then what the job needs. */
    static Properties consumerProperties(TrainerOptions options) {
        Properties props = options.kafka().properties();
        // Only what the feedback app committed: an aborted transaction's examples were never examples.
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** The sinks' producer settings: the cluster's, then what the job needs (the builder adds serializers and ids). */
    static Properties producerProperties(TrainerOptions options) {
        Properties props = options.kafka().properties();
        // Below the broker's default transaction.max.timeout.ms of 15 minutes.
        props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(Duration.ofMinutes(10).toMillis()));
        // An ONNX graph fits the models topic's max.message.bytes.
        TopicCatalog.MODELS_PRODUCER_LIMITS.forEach((key, value) -> props.setProperty(key, String.valueOf(value)));
        return props;
    }

    /**
     * Flink settings for the job: its restart policy, checkpoints retained on cancellation (in its checkpoint directory
     * when it has one) and the snapshot to restore ({@code options.restoreFrom()} resolved already, see
     * {@link #resolveRestore}).
     */
    public static Configuration flinkConfiguration(TrainerOptions options) {
        Configuration conf = new Configuration();
        options.restarts().applyTo(conf);
        CheckpointDirectory.applyTo(conf, options.checkpointDir());
        Snapshots.applyTo(conf, options.restoreFrom(), options.checkpointDir());
        return conf;
    }

    /**
     * {@code options} with {@code --restore-from} resolved: {@code latest} becomes the newest completed snapshot in the
     * checkpoint directory (or none), a path is checked to be one.
     *
     * @throws IllegalArgumentException in one line, for a path that is no snapshot Flink can read
     */
    public static TrainerOptions resolveRestore(TrainerOptions options) {
        return options.withRestoreFrom(Snapshots.resolve(options.restoreFrom(), options.checkpointDir()));
    }

    /**
     * {@code options} with an imported model's graph filled in from the release it warm-starts from (the champion, or
     * the version asked for): the graph, its input mapping and its label scale are the release's; how it learns
     * (optimizer, rate) the trainer's, and the frozen weights too when it names any (else those frozen at import). Other
     * kinds are returned as they are.
     */
    public static TrainerOptions resolveImported(TrainerOptions options) {
        ModelConfig model = options.model();
        if (model.kind() != ai.factory.trainer.model.ModelKind.IMPORTED || model.imported() != null) {
            return options;
        }
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(options.kafka(), options.topics().models(), registry)) {
            var releases = catalog.list(options.modelName());
            Optional<ModelRelease> from = switch (options.warmStart()) {
                case VERSION -> releases.stream().filter(r -> r.getVersion() == options.warmStartVersion()).findFirst();
                case CHAMPION -> catalog.ledger().champion(options.modelName(), new ReleaseSpec(options.specName(), options.specVersion()))
                        .flatMap(c -> releases.stream().filter(r -> r.getVersion() == c.version()).findFirst());
                case NONE -> Optional.empty();
            };
            ModelRelease release = from.orElseThrow(() -> new IllegalArgumentException("--kind imported fine-tunes an imported "
                    + "release: none to warm-start from (import one with 'factory models import', then promote it or pass "
                    + "--warm-start VERSION)"));
            ModelConfig theirs = OnnxWeights.read(release.getOnnx().array()).config();
            if (theirs.imported() == null) {
                throw new IllegalArgumentException("--kind imported: release v" + release.getVersion() + " is a " + theirs.kind().label()
                        + " model, not an imported one");
            }
            LOG.info("{}: fine-tuning the imported graph of v{}", options.modelName(), release.getVersion());
            ModelConfig resolved = model.withImported(theirs.imported()).withLabelScale(theirs.labelMean(), theirs.labelStd());
            // The weights frozen at import stay frozen unless the trainer names its own.
            return options.withModel(model.frozen().isEmpty() ? resolved.withFrozen(theirs.frozen()) : resolved);
        }
    }

    /** Enables exactly-once checkpointing on {@code env} as the options say. */
    public static void configureCheckpoints(StreamExecutionEnvironment env, TrainerOptions options) {
        env.enableCheckpointing(options.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    /**
     * A running trainer; closing it cancels the job (unless it has ended), waits (bounded) until its tasks, and their
     * producers, ended, and removes the temporary files of its in-process cluster.
     *
     * @param tempFolder the in-process cluster's temporary folder, or null
     */
    public record Running(JobClient client, Path tempFolder) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                if (!client.getJobExecutionResult().isDone()) {
                    client.cancel().get(60, TimeUnit.SECONDS);
                    client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
                }
            } catch (ExecutionException cancelled) {
                // The result of a cancelled job is its cancellation: it has ended, as wanted.
            } finally {
                if (tempFolder != null) {
                    InProcessFlink.removeOnceClosed(tempFolder, Duration.ofSeconds(10));
                }
            }
        }
    }

    /**
     * The job's name on a cluster: its consumer group, {@code <prefix>online-trainer-<model>}, so the trainers of
     * factories sharing a cluster (other prefixes) or of other models have other names.
     */
    public static String clusterJobName(TrainerOptions options) {
        return options.groupId();
    }

    /**
     * Runs the job on the environment Flink provides: the cluster's when the job jar was submitted to one, which
     * returns at once when submitted detached (REST API, {@code flink run -d}); otherwise until the job ends.
     */
    public static void run(TrainerOptions options) throws Exception {
        options = resolveImported(resolveRestore(options));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(options));
        configureCheckpoints(env, options);
        build(env, options, startingPoint(options), UnaryOperator.identity());
        LOG.info("online trainer {}: {} -> {}, checkpoints every {}; restarts: {}", options.modelName(),
                options.topics().examples(), options.topics().models(), options.checkpointInterval(), options.restarts().describe());
        env.execute(clusterJobName(options));
    }

    /** Submits the job to the environment Flink provides (a local MiniCluster when run in-process). */
    public static Running start(TrainerOptions options) throws Exception {
        return start(options, null);
    }

    /** As {@link #start(TrainerOptions)}, reporting the job's metrics to {@code meters} (none when null). */
    public static Running start(TrainerOptions options, MeterRegistry meters) throws Exception {
        options = resolveImported(resolveRestore(options));
        Configuration conf = InProcessFlink.sized(flinkConfiguration(options));
        Path temp = InProcessFlink.ownTempFolder(conf, "factory-trainer-flink");
        if (meters != null) {
            MicrometerReporterFactory.reportTo(conf, meters);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        configureCheckpoints(env, options);
        build(env, options, startingPoint(options), UnaryOperator.identity());
        return new Running(env.executeAsync("online-trainer-" + options.modelName()), temp);
    }
}
