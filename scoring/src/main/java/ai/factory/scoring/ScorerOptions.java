package ai.factory.scoring;

import java.time.Duration;
import java.util.Objects;

import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionSettings;
import ai.factory.options.DurationConverter;
import ai.factory.topics.Topics;

/**
 * Everything a scorer instance needs to know.
 *
 * @param connection             how every Kafka client of the scorer reaches the cluster
 * @param topicPrefix            prefix of the factory's topic names ("" for the defaults)
 * @param modelName              the model whose champions this scorer serves
 * @param groupId                consumer group shared by the instances that split the features partitions; starts with
 *                               the topic prefix, so the prefixed ACLs of a factory cover it
 * @param instanceId             this instance's name in client ids and logs
 * @param device                 {@code cpu} or {@code cuda[:N]}; CUDA falls back to the CPU with a warning
 * @param intraOpThreads         ONNX Runtime intra-op threads per session
 * @param allowSpinning          let idle ORT threads spin (off: spinning burns cores others need)
 * @param maxBatchSize           most vectors per ONNX Runtime run
 * @param maxWait                longest a vector waits for its batch to fill; zero scores what each poll returned at
 *                               once, so batches are as large as the backlog (up to maxBatchSize) and no larger
 * @param maxPendingPerPartition unscored vectors per partition above which it is paused
 * @param commitInterval         how often handled offsets are committed
 * @param shadow                 also score with the challenger (the newest candidate of the spec) into the shadow
 *                               topic; on by default, so the feedback app can pair its losses with the champion's
 * @param startFromEarliest      where a group without committed offsets starts: earliest (true) or latest
 * @param startupTimeout         how long start() waits for the models topic to be read
 * @param producerLinger         {@code linger.ms} of the predictions producer: how long it waits to fill a request
 * @param delivery               exactly-once (transactions), at-least-once, or auto (exactly-once where supported)
 * @param outageLimit            how long writing to Kafka may keep failing (retried with backoff) before the scorer
 *                               stops with an error; a broker outage shorter than this is ridden out
 * @param explainTop             features per prediction in its explanation (the largest parts); 0 explains nothing
 */
public record ScorerOptions(KafkaConnection connection, String topicPrefix, String modelName, String groupId,
                            String instanceId, Device device, int intraOpThreads, boolean allowSpinning,
                            int maxBatchSize, Duration maxWait, int maxPendingPerPartition, Duration commitInterval,
                            boolean shadow, boolean startFromEarliest, Duration startupTimeout,
                            Duration producerLinger, Delivery delivery, Duration outageLimit,
                            int explainTop) {

    /** The consumer group's name after the topic prefix. */
    public static final String DEFAULT_GROUP = "factory-scoring";
    public static final int DEFAULT_MAX_BATCH = 256;
    /** Unscored vectors per partition before it is paused, in batches. */
    public static final int PENDING_BATCHES = 4;
    /**
     * No wait: on a real-time stream a vector rarely finds company within a few ms, so waiting only adds latency;
     * under a backlog each poll brings many vectors and batches fill up to the max anyway. Written as the command
     * line writes it, so the command's default and this one are the same text.
     */
    public static final String DEFAULT_MAX_WAIT_TEXT = "0s";
    public static final Duration DEFAULT_MAX_WAIT = DurationConverter.parse(DEFAULT_MAX_WAIT_TEXT);
    /** The predictions of one batch are sent together; a short linger gathers those of the next batches under load. */
    public static final String DEFAULT_LINGER_TEXT = "2ms";
    public static final Duration DEFAULT_LINGER = DurationConverter.parse(DEFAULT_LINGER_TEXT);
    /**
     * With exactly-once a prediction is visible to read_committed readers when its transaction commits: 100 ms kept
     * the end-to-end p50 at 122 ms (1 s: 628 ms) at no throughput cost on a backlog (`factory bench scoring`), and
     * bounds transactions to ten a second per instance whatever the load (per poll batch would be hundreds).
     */
    public static final String DEFAULT_COMMIT_INTERVAL_TEXT = "100ms";
    public static final Duration DEFAULT_COMMIT_INTERVAL = DurationConverter.parse(DEFAULT_COMMIT_INTERVAL_TEXT);
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** Long enough to ride out a broker restart or a 90 s outage; a supervisor restarts a scorer that gives up. */
    public static final String DEFAULT_OUTAGE_LIMIT_TEXT = "5m";
    public static final Duration DEFAULT_OUTAGE_LIMIT = DurationConverter.parse(DEFAULT_OUTAGE_LIMIT_TEXT);

    public ScorerOptions {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(groupId, "groupId");
        if (!groupId.startsWith(topicPrefix)) {
            throw new IllegalArgumentException("consumer group '" + groupId + "' does not start with the topic prefix '"
                    + topicPrefix + "'");
        }
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(device, "device");
        if (maxBatchSize < 1 || maxPendingPerPartition < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("batch size, pending limit and threads must be positive");
        }
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(producerLinger, "producerLinger");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (maxWait.isNegative() || producerLinger.isNegative()) {
            throw new IllegalArgumentException("max wait and linger must not be negative");
        }
        if (commitInterval.isZero() || commitInterval.isNegative()) {
            throw new IllegalArgumentException("the commit interval must be positive");
        }
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(outageLimit, "outageLimit");
        if (outageLimit.isZero() || outageLimit.isNegative()) {
            throw new IllegalArgumentException("the outage limit must be positive");
        }
        if (explainTop < 0) {
            throw new IllegalArgumentException("--explain takes a number of features >= 0, was " + explainTop);
        }
    }

    /**
     * Defaults: group {@value #DEFAULT_GROUP}, CPU, batches of up to 256 without waiting, 2 ms linger, commit every
     * 100 ms, shadow scoring on, exactly-once where the cluster supports it, give up after 5 minutes of failing writes.
     */
    public static ScorerOptions defaults(KafkaConnection connection, String modelName) {
        return new ScorerOptions(connection, "", modelName, DEFAULT_GROUP, defaultInstance(),
                Device.CPU, defaultThreads(), false, DEFAULT_MAX_BATCH, DEFAULT_MAX_WAIT,
                PENDING_BATCHES * DEFAULT_MAX_BATCH, DEFAULT_COMMIT_INTERVAL, true, true, DEFAULT_STARTUP_TIMEOUT,
                DEFAULT_LINGER, Delivery.AUTO, DEFAULT_OUTAGE_LIMIT, 0);
    }

    /** This process's instance name: {@code scorer-<pid>}. */
    public static String defaultInstance() {
        return "scorer-" + ProcessHandle.current().pid();
    }

    /** Half the cores: the rest is for the Kafka clients of the scorer. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    public SessionSettings sessionSettings() {
        return new SessionSettings(device, intraOpThreads, allowSpinning);
    }

    /** Prefixes the topic names and the consumer group, so factories sharing a cluster stay apart. */
    public ScorerOptions withTopicPrefix(String prefix) {
        String group = prefix + groupId.substring(topicPrefix.length());
        return new ScorerOptions(connection, prefix, modelName, group, instanceId, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, shadow, startFromEarliest, startupTimeout, producerLinger, delivery, outageLimit, explainTop);
    }

    /** The consumer group {@code <prefix><name>} and this instance's name. */
    public ScorerOptions withGroup(String name, String instance) {
        return new ScorerOptions(connection, topicPrefix, modelName, topicPrefix + name, instance, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, shadow, startFromEarliest, startupTimeout, producerLinger, delivery, outageLimit, explainTop);
    }

    public ScorerOptions withDevice(Device newDevice, int threads) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, newDevice, threads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, shadow, startFromEarliest, startupTimeout, producerLinger, delivery, outageLimit, explainTop);
    }

    /** Batching with a pending limit of {@value #PENDING_BATCHES} batches per partition. */
    public ScorerOptions withBatching(int batchSize, Duration wait) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, device, intraOpThreads,
                allowSpinning, batchSize, wait, PENDING_BATCHES * batchSize, commitInterval, shadow, startFromEarliest, startupTimeout, producerLinger, delivery, outageLimit, explainTop);
    }

    public ScorerOptions withShadow(boolean enabled) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, enabled, startFromEarliest, startupTimeout, producerLinger, delivery, outageLimit, explainTop);
    }

    public ScorerOptions withCommitInterval(Duration interval) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, interval, shadow, startFromEarliest, startupTimeout, producerLinger, delivery, outageLimit, explainTop);
    }

    public ScorerOptions withLinger(Duration linger) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, shadow, startFromEarliest, startupTimeout, linger, delivery, outageLimit, explainTop);
    }

    public ScorerOptions withDelivery(Delivery mode) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, shadow, startFromEarliest, startupTimeout, producerLinger, mode, outageLimit, explainTop);
    }

    public ScorerOptions withOutageLimit(Duration limit) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, shadow, startFromEarliest, startupTimeout, producerLinger, delivery, limit, explainTop);
    }

    /** Explains every prediction by its {@code top} largest feature parts (0: no explanations). */
    public ScorerOptions withExplain(int top) {
        return new ScorerOptions(connection, topicPrefix, modelName, groupId, instanceId, device, intraOpThreads,
                allowSpinning, maxBatchSize, maxWait, maxPendingPerPartition, commitInterval, shadow, startFromEarliest,
                startupTimeout, producerLinger, delivery, outageLimit, top);
    }
}
