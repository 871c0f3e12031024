package ai.factory.ingest.job;

import java.time.Duration;

import ai.factory.flink.RecoveryArguments;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.serde.SchemaRegistryAddress;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of the feature job, one picocli mixin for the job jar's {@code main} ({@link IngestJob#main}) and for
 * {@code factory ingest}; {@link #options()} builds the {@link IngestOptions} they describe.
 */
public final class IngestArguments {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
            description = "Feature spec: a JSON file, or classpath:specs/flights.json (default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = "--parallelism", defaultValue = "" + IngestOptions.DEFAULT_PARALLELISM, paramLabel = "N",
            description = "Operator parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--exactly-once",
            description = "Write features in Kafka transactions committed on checkpoints (visible one checkpoint later) "
                    + "instead of at-least-once.")
    boolean exactlyOnce;

    @Option(names = "--checkpoint-interval", defaultValue = IngestOptions.DEFAULT_CHECKPOINT_INTERVAL, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Checkpoint interval, also the commit interval with --exactly-once (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    /** Checkpoint directory, restore, restarts: the same for both jobs. */
    @Mixin
    RecoveryArguments recovery;

    @Option(names = "--registry", defaultValue = "kafka", paramLabel = "WHERE", converter = RegistryOption.class,
            description = "Schema registry: kafka (the <prefix>schemas topic) or in-process (default: ${DEFAULT-VALUE}).")
    SchemaRegistryAddress registry;

    @Option(names = "--group", defaultValue = IngestOptions.DEFAULT_GROUP_ID, paramLabel = "NAME",
            description = "Consumer group of the sources and base of the transactional ids, after the topic prefix "
                    + "(default: <prefix>${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--feature-timing", defaultValue = "arrival", paramLabel = "TIMING", converter = TimingOption.class,
            description = "arrival (default): windows, feedback aggregates and standardization as of each event's arrival, "
                    + "without waiting for the watermark; the values depend on arrival order. event-time: each event waits "
                    + "for the watermark (--out-of-orderness) and the values are the same on every replay.")
    FeatureTiming featureTiming;

    @Option(names = "--out-of-orderness", defaultValue = IngestOptions.DEFAULT_OUT_OF_ORDERNESS, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How far behind the newest event time an event may arrive and still be on time; with event-time "
                    + "timing also how long each event waits for its features (default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(names = "--idleness", defaultValue = IngestOptions.DEFAULT_IDLENESS, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "A partition without records for this long stops holding back the watermark (default: ${DEFAULT-VALUE}).")
    Duration idleness;

    @Option(names = "--dedup-ttl", defaultValue = IngestOptions.DEFAULT_DEDUP_TTL, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long an event id is remembered, for de-duplication and to attribute its feedback "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration dedupTtl;

    @Option(names = "--max-ahead-of-wall-clock", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Events and feedback timed further than this ahead of the wall clock go to events.dlq "
                    + "(TIME_OUT_OF_BOUNDS) and never reach the watermarks; history of any age after the spec's earliest "
                    + "time passes (default: the spec's limits.max_ahead_of_wall_clock, 1d unless it says otherwise).")
    Duration maxAheadOfWallClock;

    @Option(names = "--bounded", description = "Stop at the end offsets present at start (replays, backfills, benchmarks).")
    boolean bounded;

    @Option(names = "--buffer-timeout", defaultValue = IngestOptions.DEFAULT_BUFFER_TIMEOUT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Longest a record waits in a Flink network buffer at each exchange (default: ${DEFAULT-VALUE}; "
                    + "Flink's own is 100ms): lower is less latency, more and smaller flushes.")
    Duration bufferTimeout;

    @Option(names = "--linger", defaultValue = IngestOptions.DEFAULT_SINK_LINGER, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "linger.ms of the job's Kafka producers (default: ${DEFAULT-VALUE}): lower is less latency and "
                    + "smaller batches; under load batches fill before it ends.")
    Duration linger;

    /**
     * The job's options as given.
     *
     * @throws CommandLine.ParameterException naming what is wrong, in one line
     */
    public IngestOptions options() {
        String prefix = kafka.prefix();
        try {
            return new IngestOptions(kafka.connection(), prefix, spec, parallelism, exactlyOnce, checkpointInterval,
                    recovery.checkpointDir(), registry, prefix + group, outOfOrderness, idleness, dedupTtl, bounded,
                    recovery.restoreFrom(), recovery.restarts(), featureTiming,
                    bufferTimeout, linger, maxAheadOfWallClock);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage(), e);
        }
    }

    /** The options {@code args} give, as the job jar reads them. */
    public static IngestOptions parse(String... args) {
        IngestJob.Command command = new IngestJob.Command();
        new CommandLine(command).parseArgs(args);
        return command.arguments.options();
    }

    /** Reads {@code arrival} or {@code event-time}. */
    /** Reads {@code arrival} or {@code event-time}; the demo's option takes it too. */
    public static final class TimingOption implements CommandLine.ITypeConverter<FeatureTiming> {
        @Override
        public FeatureTiming convert(String value) {
            try {
                return FeatureTiming.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Reads {@code kafka} (null: the registry topic of the prefix, see {@link IngestOptions#registryAddress()}) or {@code in-process}. */
    static final class RegistryOption implements CommandLine.ITypeConverter<SchemaRegistryAddress> {
        @Override
        public SchemaRegistryAddress convert(String value) {
            return switch (value) {
                case "kafka" -> null;
                case "in-process" -> SchemaRegistryAddress.inProcess();
                default -> throw new CommandLine.TypeConversionException("kafka or in-process, was '" + value + "'");
            };
        }
    }
}
