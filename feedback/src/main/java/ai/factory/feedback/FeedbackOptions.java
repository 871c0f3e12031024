package ai.factory.feedback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.records.QualityTask;
import ai.factory.topics.Topics;

/**
 * Everything the feedback app needs to run.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topicPrefix      prefix of every topic name (see {@link Topics})
 * @param applicationId    Kafka Streams application id (consumer group, transactional ids, internal topics)
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
 * @param extraConfig      further Kafka Streams or client settings, applied last
 */
public record FeedbackOptions(String bootstrapServers, String topicPrefix, String applicationId, JoinSettings join,
                              QualitySettings quality, Duration punctuateEvery, String deadLetterTopic, Path stateDir,
                              boolean inMemoryState, int partitions, boolean createTopics, int threads,
                              Duration commitInterval, Map<String, String> extraConfig) {

    /** Default window: one day of event time between an event and its label. */
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(1);

    public FeedbackOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(applicationId, "applicationId");
        if (threads < 1 || partitions < 1) {
            throw new IllegalArgumentException("threads and partitions must be positive");
        }
        extraConfig = Map.copyOf(extraConfig);
    }

    /** Application id unless configured; {@link #withTopicPrefix} prefixes it. */
    public static final String DEFAULT_APPLICATION_ID = "factory-feedback";

    /** Defaults: window one day, no grace, late feedback recognized for another window, policy last/no-example. */
    public static FeedbackOptions defaults(String bootstrapServers) {
        return new FeedbackOptions(bootstrapServers, "", DEFAULT_APPLICATION_ID,
                new JoinSettings(DEFAULT_WINDOW, Duration.ZERO, DEFAULT_WINDOW, FeedbackPolicies.of(FeedbackPolicy.standard())),
                QualitySettings.defaults(), Duration.ofSeconds(1), null, Path.of("target", "feedback-state"), false,
                3, true, 1, Duration.ofMillis(100), Map.of());
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The dead-letter topic: as configured, else {@code <prefix>feedback.dlq}. */
    public String deadLetterTopicName() {
        return deadLetterTopic != null ? deadLetterTopic : topicPrefix + "feedback.dlq";
    }

    /**
     * Prefixes the topic names, and the default application id too (Streams names its group, transactional ids and
     * internal topics after it), so factories sharing a cluster stay apart.
     */
    public FeedbackOptions withTopicPrefix(String prefix) {
        String id = DEFAULT_APPLICATION_ID.equals(applicationId) ? prefix + DEFAULT_APPLICATION_ID : applicationId;
        return new FeedbackOptions(bootstrapServers, prefix, id, join, quality, punctuateEvery, deadLetterTopic,
                stateDir, inMemoryState, partitions, createTopics, threads, commitInterval, extraConfig);
    }

    public FeedbackOptions withApplicationId(String id) {
        return new FeedbackOptions(bootstrapServers, topicPrefix, id, join, quality, punctuateEvery, deadLetterTopic,
                stateDir, inMemoryState, partitions, createTopics, threads, commitInterval, extraConfig);
    }

    public FeedbackOptions withJoin(JoinSettings settings) {
        return new FeedbackOptions(bootstrapServers, topicPrefix, applicationId, settings, quality, punctuateEvery,
                deadLetterTopic, stateDir, inMemoryState, partitions, createTopics, threads, commitInterval, extraConfig);
    }

    public FeedbackOptions withQuality(QualitySettings settings) {
        return new FeedbackOptions(bootstrapServers, topicPrefix, applicationId, join, settings, punctuateEvery,
                deadLetterTopic, stateDir, inMemoryState, partitions, createTopics, threads, commitInterval, extraConfig);
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
        return new FeedbackOptions(bootstrapServers, topicPrefix, applicationId, join, quality, every, deadLetterTopic,
                stateDir, inMemoryState, partitions, createTopics, threads, commitInterval, extraConfig);
    }

    public FeedbackOptions withState(Path dir, boolean inMemory) {
        return new FeedbackOptions(bootstrapServers, topicPrefix, applicationId, join, quality, punctuateEvery,
                deadLetterTopic, dir, inMemory, partitions, createTopics, threads, commitInterval, extraConfig);
    }

    public FeedbackOptions withPartitions(int count) {
        return new FeedbackOptions(bootstrapServers, topicPrefix, applicationId, join, quality, punctuateEvery,
                deadLetterTopic, stateDir, inMemoryState, count, createTopics, threads, commitInterval, extraConfig);
    }

    public FeedbackOptions withExtraConfig(Map<String, String> config) {
        return new FeedbackOptions(bootstrapServers, topicPrefix, applicationId, join, quality, punctuateEvery,
                deadLetterTopic, stateDir, inMemoryState, partitions, createTopics, threads, commitInterval, config);
    }
}
