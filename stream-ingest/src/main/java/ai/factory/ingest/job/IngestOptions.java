package ai.factory.ingest.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

import ai.factory.topics.Topics;
import ai.factory.serde.SchemaRegistryAddress;

/**
 * How to run the feature-preparation job.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param topicPrefix        prefix of every topic name ("" for the default names)
 * @param specLocation       feature spec: a file path or {@code classpath:specs/flights.json}
 * @param parallelism        parallelism of every operator
 * @param exactlyOnce        Kafka transactions committed on checkpoints (features visible to read_committed
 *                           consumers only after a checkpoint) instead of at-least-once
 * @param checkpointInterval how often to checkpoint; also the commit interval in exactly-once mode
 * @param checkpointDir      file-system URI for checkpoints, retained on cancellation; null keeps them in the JobManager
 * @param registry           where schemas are registered; null: the Kafka registry topic of this prefix
 * @param groupId            consumer group of the sources; also the base of the transactional ids
 * @param maxOutOfOrderness  how far behind the newest event time an event may arrive and still count as on time
 * @param sourceIdleness     a partition without records for this long stops holding back the watermark
 * @param dedupTtl           how long an event id is remembered for de-duplication and feedback attribution
 * @param bounded            stop at the end offsets present at start (replays, backfills, benchmarks)
 * @param restoreFrom        checkpoint or savepoint path to restore from, or null
 * @param restartAttempts    fixed-delay restart attempts before the job fails
 * @param restartDelay       delay between restart attempts
 */
public record IngestOptions(String bootstrapServers, String topicPrefix, String specLocation, int parallelism,
                            boolean exactlyOnce, Duration checkpointInterval, String checkpointDir,
                            SchemaRegistryAddress registry, String groupId, Duration maxOutOfOrderness,
                            Duration sourceIdleness, Duration dedupTtl, boolean bounded, String restoreFrom,
                            int restartAttempts, Duration restartDelay) implements Serializable {

    public static final String DEFAULT_SPEC = "classpath:specs/flights.json";
    public static final String DEFAULT_GROUP_ID = "factory-stream-ingest";

    public IngestOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(specLocation, "specLocation");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1");
        }
        if (restartAttempts < 0) {
            throw new IllegalArgumentException("restartAttempts must be >= 0");
        }
    }

    /** The defaults: at-least-once, parallelism 1, checkpoints every 10 s, 5 s out-of-orderness. */
    public static IngestOptions defaults(String bootstrapServers) {
        return new IngestOptions(bootstrapServers, "", DEFAULT_SPEC, 1, false, Duration.ofSeconds(10), null, null,
                DEFAULT_GROUP_ID, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofHours(1), false, null,
                3, Duration.ofSeconds(5));
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The registry to use: the given one, or the Kafka registry topic next to the data. */
    public SchemaRegistryAddress registryAddress() {
        return registry != null ? registry : SchemaRegistryAddress.kafka(bootstrapServers, topics().schemas());
    }

    /** Prefixes the topic names, and the default consumer group too, so factories sharing a cluster stay apart. */
    public IngestOptions withTopicPrefix(String v) {
        String group = DEFAULT_GROUP_ID.equals(groupId) ? v + DEFAULT_GROUP_ID : groupId;
        return new IngestOptions(bootstrapServers, v, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, group, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withSpecLocation(String v) {
        return new IngestOptions(bootstrapServers, topicPrefix, v, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withParallelism(int v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, v, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withExactlyOnce(boolean v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, v, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withCheckpointInterval(Duration v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, v, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withCheckpointDir(String v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, v, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withRegistry(SchemaRegistryAddress v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, v, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withGroupId(String v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, v, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withMaxOutOfOrderness(Duration v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, v, sourceIdleness, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withSourceIdleness(Duration v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, v, dedupTtl, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withDedupTtl(Duration v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, v, bounded, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withBounded(boolean v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, v, restoreFrom, restartAttempts, restartDelay);
    }

    public IngestOptions withRestoreFrom(String v) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, v, restartAttempts, restartDelay);
    }

    public IngestOptions withRestarts(int attempts, Duration delay) {
        return new IngestOptions(bootstrapServers, topicPrefix, specLocation, parallelism, exactlyOnce, checkpointInterval, checkpointDir, registry, groupId, maxOutOfOrderness, sourceIdleness, dedupTtl, bounded, restoreFrom, attempts, delay);
    }
}
