package ai.factory.ingest.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ai.factory.flink.CheckpointDirectory;
import ai.factory.flink.InProcessFlink;
import ai.factory.flink.metrics.MicrometerReporterFactory;
import ai.factory.flink.Snapshots;
import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.features.FeatureLayout.Stage;
import ai.factory.ingest.features.PartialVector;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.options.OneLineErrors;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The feature-preparation job: {@code events} (+ {@code feedback}) → validate → de-duplicate → keyed
 * feature stages → {@code features}; rejects → {@code events.dlq}.
 */
public final class IngestJob {

    public static final String NAME = "factory-stream-ingest";
    private static final Logger log = LoggerFactory.getLogger(IngestJob.class);

    /** Kafka's broker default for {@code transaction.max.timeout.ms} is 15 min; stay below it. */
    private static final String TRANSACTION_TIMEOUT_MS = "600000";

    private IngestJob() {
    }

    /**
     * The Flink settings implied by {@code options}: checkpoints (retained on cancellation), restarts, the snapshot to
     * restore ({@code options.restoreFrom()} resolved already, see {@link #resolveRestore}), serializers, buffer timeout.
     */
    public static Configuration configuration(IngestOptions options) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                options.exactlyOnce() ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        CheckpointDirectory.applyTo(conf, options.checkpointDir());
        options.restarts().applyTo(conf);
        Snapshots.applyTo(conf, options.restoreFrom(), options.checkpointDir());
        // Every record type of the job has a Flink serializer; falling back to Kryo would be a bug.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // A partly filled buffer leaves for the next operator after at most this long; full ones leave at once.
        conf.set(ExecutionOptions.BUFFER_TIMEOUT_ENABLED, true);
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, options.bufferTimeout());
        return conf;
    }

    /** Adds the job to {@code env} (and applies {@link #configuration}); returns the layout of the vectors it writes. */
    public static FeatureLayout build(StreamExecutionEnvironment env, IngestOptions options) {
        FeatureSpec spec = FeatureSpecParser.load(options.specLocation());
        if (options.maxAheadOfWallClock() != null) {
            spec = spec.withLimits(spec.limits().withMaxAheadOfWallClock(options.maxAheadOfWallClock()));
        }
        FeatureLayout layout = FeatureLayout.of(spec);
        env.configure(configuration(options));
        env.setParallelism(options.parallelism());

        Topics topics = options.topics();
        SchemaRegistryAddress registry = options.registryAddress();
        boolean needsFeedback = layout.stages().stream().anyMatch(Stage::hasFeedbackWindows);

        DataStream<Incoming> incoming = env.fromSource(
                source(options, topics.events(), new KafkaRecordIntake(KafkaRecordIntake.Kind.EVENTS, layout, registry)),
                watermarks(options), "events").uid("source-events");
        if (needsFeedback) {
            incoming = incoming.union(env.fromSource(
                    source(options, topics.feedback(), new KafkaRecordIntake(KafkaRecordIntake.Kind.FEEDBACK, layout, registry)),
                    watermarks(options), "feedback").uid("source-feedback"));
        }
        SingleOutputStreamOperator<StageInput> accepted = incoming
                .process(new IncomingRouter(), TypeInformation.of(StageInput.class)).uid("validate").name("validate");
        SingleOutputStreamOperator<StageInput> deduplicated = accepted
                .keyBy(new StageKey(StageKey.DEDUPLICATION), Types.STRING)
                .process(new DeduplicateAndAttribute(layout, options.dedupTtl(), topics.events()),
                        TypeInformation.of(StageInput.class))
                .uid("deduplicate").name("deduplicate");
        accepted.getSideOutput(IncomingRouter.REJECTED)
                .union(deduplicated.getSideOutput(DeduplicateAndAttribute.DUPLICATES))
                .sinkTo(sink(options, "dlq", new RejectedRecords(topics.eventsDlq(), NAME + " " + spec.label(), registry)))
                .uid("sink-dlq").name("events.dlq");

        DataStream<StageInput> stream = deduplicated;
        for (Stage stage : layout.stages()) {
            String label = stage.global() ? "global" : stage.keyAttribute();
            stream = stream.keyBy(new StageKey(stage.index()), Types.STRING)
                    .process(new KeyedFeatureStage(stage, options.featureTiming()), TypeInformation.of(StageInput.class))
                    .uid("stage-" + label).name("features by " + label);
        }
        stream.flatMap(new VectorsOnly(), TypeInformation.of(PartialVector.class)).uid("vectors").name("vectors")
                .sinkTo(sink(options, "features", new FeatureVectorRecords(topics.features(), spec, registry)))
                .uid("sink-features").name("features");
        log.info("Feature spec {}: {} dense + {} sparse slots, {} keyed stage(s), {} timing, {}; restarts: {}", spec.label(),
                layout.denseSize(), layout.sparseWidth(), layout.stages().size(), options.featureTiming().label(),
                options.exactlyOnce() ? "exactly-once" : "at-least-once", options.restarts().describe());
        return layout;
    }

    /**
     * Creates the topics if needed and runs the job in this process; closing the handle cancels it. Without a checkpoint
     * directory, checkpoints go to a fresh temporary folder removed when the job ends (benchmarks; the commands give one):
     * the JobManager's memory takes at most 5 MiB of state, which the de-duplication state outgrows within a fast replay
     * (200k ids), and every failed checkpoint cost a restart until the job gave up.
     */
    public static IngestHandle start(IngestOptions options) throws Exception {
        return start(options, null);
    }

    /** As {@link #start(IngestOptions)}, reporting the job's metrics to {@code meters} (none when null). */
    public static IngestHandle start(IngestOptions options, MeterRegistry meters) throws Exception {
        options = resolveRestore(options);
        ensureTopics(options);
        List<Path> owned = new ArrayList<>();
        if (options.checkpointDir() == null) {
            // Made for this run only: the handle removes it when the job has ended (it was left in the temp folder).
            Path checkpoints = Files.createTempDirectory("factory-ingest-checkpoints-");
            owned.add(checkpoints);
            options = options.withCheckpointDir(checkpoints.toUri().toString());
        }
        Configuration conf = InProcessFlink.sized(configuration(options));
        owned.add(InProcessFlink.ownTempFolder(conf, "factory-ingest-flink"));
        if (meters != null) {
            MicrometerReporterFactory.reportTo(conf, meters);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        FeatureLayout layout = build(env, options);
        JobClient client = env.executeAsync(NAME);
        return new IngestHandle(client, layout, owned);
    }

    /**
     * {@code options} with {@code --restore-from} resolved: {@code latest} becomes the newest completed snapshot in the
     * checkpoint directory (or none), a path is checked to be one.
     *
     * @throws IllegalArgumentException in one line, for a path that is no snapshot Flink can read
     */
    public static IngestOptions resolveRestore(IngestOptions options) {
        return options.withRestoreFrom(Snapshots.resolve(options.restoreFrom(), options.checkpointDir()));
    }

    /** Creates every topic of the factory that does not exist yet. */
    public static void ensureTopics(IngestOptions options) {
        try (Admin admin = Admin.create(adminConfig(options))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(options.topics(), TopicCatalog.DEFAULT_PARTITIONS));
        }
    }

    /**
     * Entry point of the job jar ({@code flink run}) and of a plain {@code java -cp} start: the options of
     * {@link IngestArguments}. Never exits the JVM (on a cluster it may be the JobManager's): bad arguments throw.
     */
    public static void main(String[] args) throws Exception {
        Command command = new Command();
        CommandLine line = new CommandLine(command);
        IngestOptions options;
        try {
            line.parseArgs(args);
            if (line.isUsageHelpRequested()) {
                line.usage(System.out);
                return;
            }
            options = command.arguments.options();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(OneLineErrors.message(e), e);
        }
        options = resolveRestore(options);
        ensureTopics(options);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration(options));
        build(env, options);
        env.execute(clusterJobName(options));
    }

    /**
     * The job's name on a cluster: its consumer group, {@code <prefix>factory-stream-ingest} by default, so the feature
     * jobs of factories sharing a cluster (other prefixes) have other names.
     */
    public static String clusterJobName(IngestOptions options) {
        return options.groupId();
    }

    /** The job jar's command line. */
    @CommandLine.Command(name = NAME, description = "The stream-ingest Flink job: events -> features.")
    static final class Command {
        @CommandLine.Mixin
        IngestArguments arguments;

        @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }

    /** The sources' consumer settings: the cluster's, then what the job needs. */
    static Properties consumerProperties(IngestOptions options) {
        Properties props = options.kafka().properties();
        // Upstream writers may be transactional: never featurize what they aborted.
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** The topic admin's settings: the cluster's. */
    static Map<String, Object> adminConfig(IngestOptions options) {
        return options.kafka().clientConfig();
    }

    private static KafkaSource<Incoming> source(IngestOptions options, String topic, KafkaRecordIntake intake) {
        var builder = KafkaSource.<Incoming>builder()
                .setProperties(consumerProperties(options))
                .setTopics(List.of(topic))
                .setGroupId(options.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(intake);
        if (options.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    private static WatermarkStrategy<Incoming> watermarks(IngestOptions options) {
        Duration outOfOrderness = options.maxOutOfOrderness();
        // Quiet for half the idleness: catch up first, then (at the idleness) stop holding back other partitions.
        Duration quiet = options.sourceIdleness().dividedBy(2);
        return WatermarkStrategy.<Incoming>forGenerator(context -> new QuietSourceWatermarks<>(outOfOrderness, quiet))
                .withTimestampAssigner((in, kafkaTimestamp) -> in.timestamp())
                .withIdleness(options.sourceIdleness());
    }

    private static <T> KafkaSink<T> sink(IngestOptions options, String name,
                                         org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(options.exactlyOnce() ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(options.groupId() + "-" + options.topicPrefix() + name)
                .setKafkaProducerConfig(producerProperties(options))
                .build();
    }

    /** The sinks' producer settings: the cluster's, then what the job needs (the builder adds serializers and ids). */
    static Properties producerProperties(IngestOptions options) {
        Properties props = options.kafka().properties();
        props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, Long.toString(options.sinkLinger().toMillis()));
        return props;
    }

    /** Drops anything but vectors at the end of the stages (every fact was consumed by its stage). */
    private static final class VectorsOnly implements FlatMapFunction<StageInput, PartialVector> {
        @Override
        public void flatMap(StageInput in, Collector<PartialVector> out) {
            if (in.isVector()) {
                out.collect(in.vector());
            }
        }
    }
}
