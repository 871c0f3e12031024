package ai.factory.flink;

import java.time.Duration;

import ai.factory.options.DurationConverter;
import picocli.CommandLine.Option;

/**
 * The options of how a Flink job of the factory survives failures, one picocli mixin for both jobs' mains and for
 * {@code factory ingest} and {@code factory train}: where checkpoints go, what to restore from, how to restart.
 */
public final class RecoveryArguments {

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "Folder (file-system URI or path) for checkpoints, retained when the job is cancelled or dies; a "
                    + "stop's savepoints go to its savepoints folder (default: factory ingest/train keep them in "
                    + CheckpointDirectory.DEFAULT_ROOT + "/<job name> in the working directory; a job jar on a cluster uses "
                    + "the cluster's execution.checkpointing.dir).")
    String checkpointDir;

    @Option(names = "--restore-from", paramLabel = "PATH|latest",
            description = "Start from this checkpoint or savepoint; latest: the newest completed one in --checkpoint-dir "
                    + "(none yet: start fresh; a half-written one is skipped).")
    String restoreFrom;

    @Option(names = "--restart-attempts", defaultValue = "" + RestartPolicy.DEFAULT_ATTEMPTS, paramLabel = "N",
            description = "Restarts in a row, with growing backoff, before the job fails; 0 fails at the first error "
                    + "(default: ${DEFAULT-VALUE}, about 5 min of backoff).")
    int restartAttempts;

    @Option(names = "--restart-backoff", defaultValue = RestartPolicy.DEFAULT_INITIAL_BACKOFF, paramLabel = "DURATION",
            converter = DurationConverter.class, description = "Wait before the first restart (default: ${DEFAULT-VALUE}).")
    Duration initialBackoff;

    @Option(names = "--restart-max-backoff", defaultValue = RestartPolicy.DEFAULT_MAX_BACKOFF, paramLabel = "DURATION",
            converter = DurationConverter.class, description = "Longest wait between restarts (default: ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    @Option(names = "--restart-backoff-multiplier", defaultValue = RestartPolicy.DEFAULT_MULTIPLIER, paramLabel = "X",
            description = "Each wait is this many times the one before (default: ${DEFAULT-VALUE}).")
    double multiplier;

    @Option(names = "--restart-jitter", defaultValue = RestartPolicy.DEFAULT_JITTER, paramLabel = "X",
            description = "Each wait varies randomly by up to this fraction of the first, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double jitter;

    @Option(names = "--restart-reset-after", defaultValue = RestartPolicy.DEFAULT_RESET_AFTER, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Running this long without a failure starts the count and the backoff afresh (default: ${DEFAULT-VALUE}).")
    Duration resetAfter;

    /** The checkpoint directory given, as a URI (a plain path as its file URI), or null. */
    public String checkpointDir() {
        return CheckpointDirectory.uri(checkpointDir);
    }

    /** The {@code --restore-from} given (a path or {@link Snapshots#LATEST}), or null. */
    public String restoreFrom() {
        return restoreFrom;
    }

    /**
     * The restart policy given.
     *
     * @throws IllegalArgumentException naming what is wrong, in one line
     */
    public RestartPolicy restarts() {
        return new RestartPolicy(restartAttempts, initialBackoff, maxBackoff, multiplier, jitter, resetAfter);
    }
}
