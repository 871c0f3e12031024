package ai.factory.flink;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * Stops a running job with a savepoint in its checkpoint directory ({@link CheckpointDirectory#savepoints}), within
 * a bound; when no savepoint is taken in time the job is cancelled instead, so a stop always ends the job.
 */
public final class SavepointStop {

    /** How long a stop waits for its savepoint before it cancels the job, in seconds (for help texts). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 60;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);

    /** How long a cancellation, after a failed stop, may take. */
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

    private SavepointStop() {
    }

    /**
     * How a stop went: the savepoint's path, or why there is none (the job was cancelled then).
     *
     * @param savepoint where the savepoint is, or null
     * @param problem   why there is no savepoint, or null
     */
    public record Outcome(String savepoint, String problem) {
        public boolean saved() {
            return savepoint != null;
        }
    }

    /**
     * Stops {@code client}'s job with a savepoint under {@code checkpointDir} (its sources stop where they are: no
     * final watermark, so a job restored from it goes on as if never stopped), waiting at most {@code timeout}; on
     * failure or timeout cancels the job (bounded) and says why.
     */
    public static Outcome stop(JobClient client, String checkpointDir, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String problem;
        try {
            String path = client.stopWithSavepoint(false, CheckpointDirectory.savepoints(checkpointDir), SavepointFormatType.CANONICAL)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitEnd(client, Math.max(1, deadline - System.nanoTime()));
            // Flink names a local savepoint file:/...; its plain path is what a user types back.
            return new Outcome(path.startsWith("file:") ? java.net.URI.create(path).getPath().replaceAll("/$", "") : path, null);
        } catch (TimeoutException e) {
            problem = "no savepoint within " + timeout.toSeconds() + " s";
        } catch (ExecutionException e) {
            problem = "the savepoint failed: " + rootMessage(e);
        }
        try {
            client.cancel().get(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitEnd(client, CANCEL_TIMEOUT.toNanos());
            return new Outcome(null, problem + "; the job was cancelled");
        } catch (ExecutionException | TimeoutException e) {
            // Already ended (that is why the savepoint failed), or it would not end: either way it is said.
            return new Outcome(null, problem + "; cancelling it: " + rootMessage(e));
        }
    }

    /** Waits until the job's tasks, and their Kafka producers, have ended (its result is in). */
    private static void awaitEnd(JobClient client, long nanos) throws InterruptedException {
        try {
            client.getJobExecutionResult().get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A stopped or cancelled job's result may be its cancellation; ended is what was waited for.
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
