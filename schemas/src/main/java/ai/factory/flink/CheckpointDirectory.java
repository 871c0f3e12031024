package ai.factory.flink;

import java.nio.file.Path;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;

/**
 * Where a job of the factory keeps its checkpoints and the savepoints it is stopped with. Checkpoints are retained
 * when the job is cancelled or its process dies, so a new run resumes from the newest ({@link Snapshots}).
 */
public final class CheckpointDirectory {

    /**
     * The folder, in the working directory, under which {@code factory ingest} and {@code factory train} keep each
     * job's checkpoints when no {@code --checkpoint-dir} is given (as {@code factory feedback} keeps its state in
     * {@code feedback-state}).
     */
    public static final String DEFAULT_ROOT = "checkpoints";

    /** The folder of a checkpoint directory that the savepoints of stops go to. */
    public static final String SAVEPOINTS = "savepoints";

    private CheckpointDirectory() {
    }

    /**
     * The default checkpoint directory of the job named {@code jobName} run in this process:
     * {@code checkpoints/<jobName>} in the working directory, as a file URI. Job names carry the topic prefix and the
     * model, so jobs of other factories or models never share one.
     */
    public static String defaultFor(String jobName) {
        return Path.of(DEFAULT_ROOT, jobName).toAbsolutePath().normalize().toUri().toString();
    }

    /** Where the savepoint of a stop goes: {@code <dir>/savepoints}. */
    public static String savepoints(String dir) {
        return uri(dir).replaceAll("/+$", "") + "/" + SAVEPOINTS;
    }

    /**
     * {@code dir} as Flink takes it: a URI as given, a plain path (which Flink refuses: "the scheme is null") as the
     * file URI of its absolute form. Null stays null.
     */
    public static String uri(String dir) {
        if (dir == null || dir.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            return dir;
        }
        return Path.of(dir).toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * Sets checkpoints to be retained when the job is cancelled, in {@code dir} when given (file-system storage);
     * with null the cluster's {@code execution.checkpointing.dir} (or the JobManager's memory) stays in charge.
     */
    public static Configuration applyTo(Configuration conf, String dir) {
        if (dir != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, uri(dir));
            // A stop's savepoint goes where the savepoints of a stop go, also when Flink is asked for one elsewhere.
            conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints(dir));
        }
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return conf;
    }
}
