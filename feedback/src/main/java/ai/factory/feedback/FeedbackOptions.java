package ai.factory.feedback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.kafka.KafkaConnection;
import ai.factory.options.DurationConverter;
import ai.factory.records.QualityTask;
import ai.factory.topics.Topics;

/**
 * Everything the feedback app needs to run.
 *
 * @param connection       how every Kafka client of the app reaches the cluster: Streams and its internal clients, the
 *                         schema registry's and the topic admin
 * @param topicPrefix      prefix of every topic name (see {@link Topics})
 * @param applicationId    Kafka Streams application id (consumer group, transactional ids, internal topics); starts
 *                         with the topic prefix, so the prefixed ACLs of a factory cover it
 * @param join             window, grace, late retention and feedback policies
 * @param quality          how online quality is measured, including the task (binary or regression) per model
 * @param punctuateEvery   event-time interval at which closed windows are looked for (join: on the join clock;
 *                         quality: on the stream time of the outcomes)
 * @param deadLetterTopic  where undecodable or invalid input goes
 * @param stateDir         folder of the local state stores
 * @param inMemoryState    keep state in memory (restored from changelogs at start) instead of RocksDB
 * @param partitions       partitions of the topics the app creates when they are missing
 * @param createTopics     create missing topics at start
 * @param threads          stream threads
 * @param commitInterval   how often transactions commit (latency of examples under exactly-once)
 */
public record FeedbackOptions(KafkaConnection connection, String topicPrefix, String applicationId, JoinSettings join,
                              QualitySettings quality, Duration punctuateEvery, String deadLetterTopic, Path stateDir,
                              boolean inMemoryState, int partitions, boolean createTopics, int threads,
                              Duration commitInterval) {

    // Each default is written once, as the command line writes it; the command's defaults are these texts.
    /** Default window: one day of event time between an event and its label. */
    public static final String DEFAULT_WINDOW_TEXT = "1d";
    public static final Duration DEFAULT_WINDOW = DurationConverter.parse(DEFAULT_WINDOW_TEXT);
    /** No grace: the join clock closes a window as soon as it passes its end. */
    public static final String DEFAULT_GRACE_TEXT = "0s";
    public static final String DEFAULT_PUNCTUATE_TEXT = "1s";
    /** Latency of examples under exactly-once: a transaction commits this often. */
    public static final String DEFAULT_COMMIT_INTERVAL_TEXT = "100ms";
    public static final String DEFAULT_STATE_DIR = "feedback-state";
    public static final int DEFAULT_PARTITIONS = 3;
    public static final int DEFAULT_THREADS = 1;

    public FeedbackOptions {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(punctuateEvery, "punctuateEvery");
        Objects.requireNonNull(commitInterval, "commitInterval");
        if (!applicationId.startsWith(topicPrefix)) {
            throw new IllegalArgumentException("application id '" + applicationId + "' does not start with the topic prefix '"
                    + topicPrefix + "'");
        }
        if (threads < 1 || partitions < 1) {
            throw new IllegalArgumentException("threads and partitions must be positive");
        }
    }

    /** The application id's name after the topic prefix, unless configured. */
    public static final String DEFAULT_APPLICATION_ID = "factory-feedback";

    /** Defaults: window one day, no grace, late feedback recognized for another window, policy last/no-example. */
    public static FeedbackOptions defaults(KafkaConnection connection) {
        return new FeedbackOptions(connection, "", DEFAULT_APPLICATION_ID,
                new JoinSettings(DEFAULT_WINDOW, DurationConverter.parse(DEFAULT_GRACE_TEXT), DEFAULT_WINDOW,
                        FeedbackPolicies.of(FeedbackPolicy.standard())),
                QualitySettings.defaults(), DurationConverter.parse(DEFAULT_PUNCTUATE_TEXT), null,
                Path.of("target", DEFAULT_STATE_DIR), false, DEFAULT_PARTITIONS, true, DEFAULT_THREADS,
                DurationConverter.parse(DEFAULT_COMMIT_INTERVAL_TEXT));
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The dead-letter topic: as configured, else {@code <prefix>feedback.dlq}. */
    public String deadLetterTopicName() {
        return deadLetterTopic != null ? deadLetterTopic : topicPrefix + "feedback.dlq";
    }

    /**
     * Prefixes the topic names and the application id (Streams names its group, transactional ids and internal topics
     * after it), so factories sharing a cluster stay apart and one set of prefixed ACLs covers them.
     */
    public FeedbackOptions withTopicPrefix(String prefix) {
        String id = prefix + applicationId.substring(topicPrefix.length());
        return new FeedbackOptions(connection, prefix, id, join, quality, punctuateEvery, deadLetterTopic,
                stateDir, inMemoryState, partitions, createTopics, threads, commitInterval);
    }

    /** The application id {@code <prefix><name>}. */
    public FeedbackOptions withApplicationId(String name) {
        return new FeedbackOptions(connection, topicPrefix, topicPrefix + name, join, quality, punctuateEvery, deadLetterTopic,
                stateDir, inMemoryState, partitions, createTopics, threads, commitInterval);
    }

    public FeedbackOptions withJoin(JoinSettings settings) {
        return new FeedbackOptions(connection, topicPrefix, applicationId, settings, quality, punctuateEvery,
                deadLetterTopic, stateDir, inMemoryState, partitions, createTopics, threads, commitInterval);
    }

    public FeedbackOptions withQuality(QualitySettings settings) {
        return new FeedbackOptions(connection, topicPrefix, applicationId, join, settings, punctuateEvery,
                deadLetterTopic, stateDir, inMemoryState, partitions, createTopics, threads, commitInterval);
    }

    /** Judges {@code model}'s versions as {@code task} (models not named: {@link #withDefaultTask}, else binary). */
    public FeedbackOptions withTask(String model, QualityTask task) {
        return withQuality(quality.withTasks(quality.tasks().with(model, task)));
    }

    /** The task of every model not named in {@link #withTask}. */
    public FeedbackOptions withDefaultTask(QualityTask task) {
        return withQuality(quality.withTasks(quality.tasks().withFallback(task)));
    }

    /** The task {@code model}'s versions are judged as. */
    public QualityTask task(String model) {
        return quality.task(model);
    }

    public FeedbackOptions withPunctuateEvery(Duration every) {
        return new FeedbackOptions(connection, topicPrefix, applicationId, join, quality, every, deadLetterTopic,
                stateDir, inMemoryState, partitions, createTopics, threads, commitInterval);
    }

    public FeedbackOptions withState(Path dir, boolean inMemory) {
        return new FeedbackOptions(connection, topicPrefix, applicationId, join, quality, punctuateEvery,
                deadLetterTopic, dir, inMemory, partitions, createTopics, threads, commitInterval);
    }

    public FeedbackOptions withPartitions(int count) {
        return new FeedbackOptions(connection, topicPrefix, applicationId, join, quality, punctuateEvery,
                deadLetterTopic, stateDir, inMemoryState, count, createTopics, threads, commitInterval);
    }
}
