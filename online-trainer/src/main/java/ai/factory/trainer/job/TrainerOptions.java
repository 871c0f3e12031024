package ai.factory.trainer.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

import ai.factory.flink.RestartPolicy;
import ai.factory.flink.Snapshots;
import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import ai.factory.options.DurationConverter;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.topics.Topics;
import ai.factory.trainer.governance.Governance;
import ai.factory.trainer.model.ModelConfig;

/**
 * Configuration of the online-trainer job.
 *
 * @param kafka                how every Kafka client of the job reaches the cluster
 * @param topicPrefix          prefix of every topic name (see {@link Topics})
 * @param groupId              consumer group of the examples source, also the base of the transactional ids; starts
 *                             with the topic prefix, so the prefix's ACLs cover it
 * @param modelName            name of the releases on the models topic
 * @param specName             feature spec the model consumes; examples of other specs are dead-lettered
 * @param batchSize            examples per training step
 * @param stepsPerRun          training steps (mini-batches) per ONNX Runtime run: 1 runs the training-step graph,
 *                             K &gt; 1 a Scan over K mini-batches so the weights stay inside ONNX Runtime between them
 * @param publishEveryExamples cut a release after this many newly trained examples ...
 * @param publishEvery         ... or after this much time with at least one newly trained example
 * @param holdoutExamples      unseen examples a release is evaluated on before the promotion gate decides
 * @param tolerance            how much worse than the champion's hold-out loss a release may be and still pass the
 *                             hold-out gate (a filter before the online test; the promotion itself with
 *                             {@link Governance.Promotion#HOLDOUT})
 * @param warmStart            where the weights start: fresh, the current champion, or a given version
 * @param warmStartVersion     the version for {@link WarmStart#VERSION}
 * @param threads              ONNX Runtime intra-op threads (0 = available cores)
 * @param checkpointDir        file-system checkpoint directory (URI), retained on cancellation; null: the cluster's
 *                             setting (the JobManager's memory in this process)
 * @param dlqTopic             where undecodable or mismatched examples go
 * @param initialRelease       when the model has no champion, publish the initial weights as one before training, so
 *                             events are scored (and their labels joined at once) from the start instead of waiting
 *                             for a trained release
 * @param restarts             how the job restarts after failures before it fails
 * @param restoreFrom          checkpoint or savepoint to restore from, {@code latest} (see {@link Snapshots}), or null
 * @param governance           how releases become champion (online evidence or the hold-out gate) and are rolled back
 */
public record TrainerOptions(KafkaConnection kafka, String topicPrefix, SchemaRegistryAddress registry, String groupId,
                             String modelName, String specName, int specVersion, ModelConfig model,
                             int batchSize, int stepsPerRun, long publishEveryExamples, Duration publishEvery,
                             int holdoutExamples, double tolerance, WarmStart warmStart, long warmStartVersion,
                             Device device, int threads, Duration checkpointInterval, String checkpointDir,
                             String dlqTopic, boolean initialRelease, RestartPolicy restarts, String restoreFrom,
                             Governance governance)
        implements Serializable {

    /** Where the weights of a fresh job (no checkpoint) come from. */
    public enum WarmStart { NONE, CHAMPION, VERSION }

    // The defaults, each written once: the command line shows them and defaults() uses them.
    public static final int DEFAULT_BATCH_SIZE = 1024;
    public static final int DEFAULT_STEPS_PER_RUN = 1;
    public static final long DEFAULT_PUBLISH_EVERY_EXAMPLES = 100_000;
    public static final String DEFAULT_PUBLISH_EVERY = "5m";
    public static final int DEFAULT_HOLDOUT = 10_000;
    public static final double DEFAULT_TOLERANCE = 0.002;
    public static final String DEFAULT_CHECKPOINT_INTERVAL = "30s";
    /** The consumer group after the topic prefix and before the model name. */
    public static final String GROUP_ID = "online-trainer-";

    public TrainerOptions {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        if (groupId == null || !groupId.startsWith(topicPrefix)) {
            throw new IllegalArgumentException("the consumer group '" + groupId + "' must start with the topic prefix '"
                    + topicPrefix + "', so the prefix's ACLs cover it");
        }
        if (batchSize < 1 || stepsPerRun < 1 || publishEveryExamples < 1 || holdoutExamples < 0) {
            throw new IllegalArgumentException("need batchSize >= 1, stepsPerRun >= 1, publishEveryExamples >= 1, holdoutExamples >= 0");
        }
        if (publishEvery == null || publishEvery.isNegative() || publishEvery.isZero()) {
            throw new IllegalArgumentException("the release interval must be a positive duration, was " + DurationConverter.format(publishEvery));
        }
        if (checkpointInterval == null || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("the checkpoint interval must be a positive duration, was "
                    + DurationConverter.format(checkpointInterval));
        }
        Objects.requireNonNull(restarts, "restarts");
        Objects.requireNonNull(governance, "governance");
    }

    /** The topic names ({@link Topics} itself does not travel with a Flink job graph). */
    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /**
     * Defaults: consumer group {@code <prefix>online-trainer-<model>}, batch 1024, one step per run, a release every
     * 100k examples or 5 minutes, 10k hold-out examples, tolerance 0.002, checkpoints every 30 s, initial weights
     * released when there is no champion, {@link RestartPolicy#defaults()}.
     */
    public static TrainerOptions defaults(KafkaConnection kafka, Topics topics, String modelName, String specName,
                                          int specVersion, ModelConfig model) {
        return new TrainerOptions(kafka, topics.prefix(), SchemaRegistryAddress.kafka(kafka, topics.schemas()),
                topics.prefix() + GROUP_ID + modelName, modelName, specName, specVersion, model, DEFAULT_BATCH_SIZE,
                DEFAULT_STEPS_PER_RUN, DEFAULT_PUBLISH_EVERY_EXAMPLES, DurationConverter.parse(DEFAULT_PUBLISH_EVERY),
                DEFAULT_HOLDOUT, DEFAULT_TOLERANCE, WarmStart.CHAMPION, 0, Device.CPU, 0,
                DurationConverter.parse(DEFAULT_CHECKPOINT_INTERVAL), null, topics.eventsDlq(), true,
                RestartPolicy.defaults(), null, Governance.defaults());
    }

    public TrainerOptions withBatching(int batch, long everyExamples, Duration every, int holdout) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batch, stepsPerRun, everyExamples, every, holdout, tolerance, warmStart, warmStartVersion, device, threads,
                checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, restoreFrom, governance);
    }

    public TrainerOptions withModel(ModelConfig config) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, config,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                device, threads, checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, restoreFrom, governance);
    }

    public TrainerOptions withWarmStart(WarmStart mode, long version) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, mode, version, device, threads,
                checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, restoreFrom, governance);
    }

    public TrainerOptions withCheckpoints(Duration interval, String dir) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                device, threads, interval, dir, dlqTopic, initialRelease, restarts, restoreFrom, governance);
    }

    public TrainerOptions withDevice(Device d, int intraOpThreads) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                d, intraOpThreads, checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, restoreFrom, governance);
    }

    /** Trains {@code k} mini-batches per ONNX Runtime run (1 = one run per mini-batch). */
    public TrainerOptions withStepsPerRun(int k) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, k, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                device, threads, checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, restoreFrom, governance);
    }

    public TrainerOptions withTolerance(double t) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, t, warmStart, warmStartVersion, device,
                threads, checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, restoreFrom, governance);
    }

    /** Whether a model without a champion first publishes its initial weights as one. */
    public TrainerOptions withInitialRelease(boolean publish) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                device, threads, checkpointInterval, checkpointDir, dlqTopic, publish, restarts, restoreFrom, governance);
    }

    public TrainerOptions withRestarts(RestartPolicy policy) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                device, threads, checkpointInterval, checkpointDir, dlqTopic, initialRelease, policy, restoreFrom, governance);
    }

    /** Restores from {@code pointer}: a checkpoint or savepoint, {@code latest}, or null for none. */
    public TrainerOptions withRestoreFrom(String pointer) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                device, threads, checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, pointer, governance);
    }

    public TrainerOptions withGovernance(Governance g) {
        return new TrainerOptions(kafka, topicPrefix, registry, groupId, modelName, specName, specVersion, model,
                batchSize, stepsPerRun, publishEveryExamples, publishEvery, holdoutExamples, tolerance, warmStart, warmStartVersion,
                device, threads, checkpointInterval, checkpointDir, dlqTopic, initialRelease, restarts, restoreFrom, g);
    }
}
