package ai.factory.ingest.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

import ai.factory.flink.RestartPolicy;
import ai.factory.flink.Snapshots;
import ai.factory.kafka.KafkaConnection;
import ai.factory.options.DurationConverter;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.topics.Topics;

/**
 * How to run the feature-preparation job.
 *
 * @param kafka              how every Kafka client of the job reaches the cluster
 * @param topicPrefix        prefix of every topic name ("" for the default names)
 * @param specLocation       feature spec: a file path or {@code classpath:specs/flights.json}
 * @param parallelism        parallelism of every operator
 * @param exactlyOnce        Kafka transactions committed on checkpoints (features visible to read_committed
 *                           consumers only after a checkpoint) instead of at-least-once
 * @param checkpointInterval how often to checkpoint; also the commit interval in exactly-once mode
 * @param checkpointDir      file-system URI for checkpoints, retained on cancellation; null: a temporary folder of the
 *                           run in this process ({@link IngestJob#start}), the cluster's setting on a cluster
 * @param registry           where schemas are registered; null: the Kafka registry topic of this prefix
 * @param groupId            consumer group of the sources; also the base of the transactional ids. Starts with the
 *                           topic prefix, so the prefix's ACLs cover it
 * @param maxOutOfOrderness  how far behind the newest event time an event may arrive and still count as on time
 * @param sourceIdleness     a partition without records for this long stops holding back the watermark
 * @param dedupTtl           how long an event id is remembered for de-duplication and feedback attribution
 * @param bounded            stop at the end offsets present at start (replays, backfills, benchmarks)
 * @param restoreFrom        checkpoint or savepoint path to restore from, {@code latest} (see {@link Snapshots}), or null
 * @param restarts           how the job restarts after failures before it fails
 * @param featureTiming      when stateful features are filled: on arrival (low latency) or once the watermark passes
 *                           the event (deterministic); see {@link FeatureTiming}
 * @param bufferTimeout      longest a record waits in a Flink network buffer before it is sent to the next operator
 *                           ({@code execution.buffer-timeout.interval}); lower is less latency, more flushes
 * @param sinkLinger         the Kafka sinks' {@code linger.ms}: how long a producer waits to fill a batch
 * @param maxAheadOfWallClock events and feedback timed further than this ahead of the wall clock are dead-lettered
 *                           ({@code TIME_OUT_OF_BOUNDS}) before they reach the watermarks; null: the spec's
 *                           {@code limits.max_ahead_of_wall_clock}
 */
public record IngestOptions(KafkaConnection kafka, String topicPrefix, String specLocation, int parallelism,
                            boolean exactlyOnce, Duration checkpointInterval, String checkpointDir,
                            SchemaRegistryAddress registry, String groupId, Duration maxOutOfOrderness,
                            Duration sourceIdleness, Duration dedupTtl, boolean bounded, String restoreFrom,
                            RestartPolicy restarts, FeatureTiming featureTiming,
                            Duration bufferTimeout, Duration sinkLinger, Duration maxAheadOfWallClock)
        implements Serializable {

    // The defaults, each written once: the command line shows them and defaults() uses them.
    public static final String DEFAULT_SPEC = "classpath:specs/flights.json";
    /** The consumer group after the topic prefix. */
    public static final String DEFAULT_GROUP_ID = "factory-stream-ingest";
    public static final int DEFAULT_PARALLELISM = 1;
    public static final String DEFAULT_CHECKPOINT_INTERVAL = "10s";
    public static final String DEFAULT_OUT_OF_ORDERNESS = "5s";
    public static final String DEFAULT_IDLENESS = "10s";
    public static final String DEFAULT_DEDUP_TTL = "1h";
    /** Flink's own default is 100 ms per exchange, paid at each of the job's keyed steps on a slow stream. */
    public static final String DEFAULT_BUFFER_TIMEOUT = "5ms";
    /** The Kafka 4 producer default, written out so it is one visible setting. */
    public static final String DEFAULT_SINK_LINGER = "5ms";

    public IngestOptions {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(specLocation, "specLocation");
        Objects.requireNonNull(groupId, "groupId");
        if (!groupId.startsWith(topicPrefix)) {
            throw new IllegalArgumentException("the consumer group '" + groupId + "' must start with the topic prefix '"
                    + topicPrefix + "', so the prefix's ACLs cover it");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1");
        }
        Objects.requireNonNull(restarts, "restarts");
        requirePositive("checkpoint interval", checkpointInterval);
        requirePositive("idleness", sourceIdleness);
        requirePositive("dedup TTL", dedupTtl);
        requireNotNegative("out-of-orderness", maxOutOfOrderness);
        requireNotNegative("buffer timeout", bufferTimeout);
        requireNotNegative("sink linger", sinkLinger);
        Objects.requireNonNull(featureTiming, "featureTiming");
        if (maxAheadOfWallClock != null) {
            requireNotNegative("tolerance ahead of the wall clock", maxAheadOfWallClock);
        }
    }

    /** With the spec's tolerance ahead of the wall clock. */
    public IngestOptions(KafkaConnection kafka, String topicPrefix, String specLocation, int parallelism,
                         boolean exactlyOnce, Duration checkpointInterval, String checkpointDir,
                         SchemaRegistryAddress registry, String groupId, Duration maxOutOfOrderness,
                         Duration sourceIdleness, Duration dedupTtl, boolean bounded, String restoreFrom,
                         RestartPolicy restarts, FeatureTiming featureTiming,
                         Duration bufferTimeout, Duration sinkLinger) {
        this(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry,
                groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts,
                featureTiming, bufferTimeout, sinkLinger, null);
    }

    /**
     * The defaults: at-least-once, parallelism 1, checkpoints every 10 s, 5 s out-of-orderness, features on arrival,
     * 5 ms network buffer timeout and sink linger.
     */
    public static IngestOptions defaults(KafkaConnection kafka) {
        return new IngestOptions(kafka, "", DEFAULT_SPEC, DEFAULT_PARALLELISM, false, duration(DEFAULT_CHECKPOINT_INTERVAL),
                null, null, DEFAULT_GROUP_ID, duration(DEFAULT_OUT_OF_ORDERNESS), duration(DEFAULT_IDLENESS),
                duration(DEFAULT_DEDUP_TTL), false, null, RestartPolicy.defaults(),
                FeatureTiming.ARRIVAL, duration(DEFAULT_BUFFER_TIMEOUT), duration(DEFAULT_SINK_LINGER));
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The registry to use: the given one, or the Kafka registry topic next to the data. */
    public SchemaRegistryAddress registryAddress() {
        return registry != null ? registry : SchemaRegistryAddress.kafka(kafka, topics().schemas());
    }

    private static Duration duration(String text) {
        return DurationConverter.parse(text);
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be a positive duration, was " + DurationConverter.format(d));
        }
    }

    private static void requireNotNegative(String what, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("the " + what + " must be a duration of 0 or more, was " + DurationConverter.format(d));
        }
    }

    /**
     * Prefixes the topic names and the consumer group (a group under the old prefix moves to the new one), so
     * factories sharing a cluster stay apart.
     */
    public IngestOptions withTopicPrefix(String v) {
        String group = v + groupId.substring(topicPrefix.length());
        return new IngestOptions(kafka, v, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, group, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withSpecLocation(String v) {
        return new IngestOptions(kafka, topicPrefix, v, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withParallelism(int v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, v, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withExactlyOnce(boolean v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, v, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withCheckpointInterval(Duration v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, v, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withCheckpointDir(String v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, v, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withRegistry(SchemaRegistryAddress v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, v, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withGroupId(String v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, v, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withMaxOutOfOrderness(Duration v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, v, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withSourceIdleness(Duration v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, v, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withDedupTtl(Duration v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, v, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withBounded(boolean v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, v, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withRestoreFrom(String v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, v, restarts, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withRestarts(RestartPolicy v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, v, featureTiming, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    public IngestOptions withFeatureTiming(FeatureTiming v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, v, bufferTimeout, sinkLinger, maxAheadOfWallClock);
    }

    /** The network buffer timeout of the job and the linger of its Kafka sinks. */
    public IngestOptions withLatency(Duration newBufferTimeout, Duration newSinkLinger) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, newBufferTimeout, newSinkLinger, maxAheadOfWallClock);
    }

    /** Dead-letters events and feedback timed further than {@code v} ahead of the wall clock; null: the spec's limit. */
    public IngestOptions withMaxAheadOfWallClock(Duration v) {
        return new IngestOptions(kafka, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restarts, featureTiming, bufferTimeout, sinkLinger, v);
    }
}
