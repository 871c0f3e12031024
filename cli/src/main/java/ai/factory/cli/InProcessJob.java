package ai.factory.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import ai.factory.flink.SavepointStop;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobExecutionException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a Flink job started in this process until it ends or the command is stopped (Ctrl-C, SIGTERM); a stop takes a
 * savepoint into the job's checkpoint directory within {@link SavepointStop#DEFAULT_TIMEOUT}, prints it and the
 * command that resumes from it, and exits 0; if no savepoint can be taken the job is cancelled and the exit code is 1.
 */
final class InProcessJob {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private final String label;
    private final JobClient client;
    private final String checkpointDir;
    private final PrintWriter err;

    /**
     * @param label         the job as the messages name it, e.g. {@code stream-ingest}
     * @param checkpointDir where its checkpoints and the savepoint of a stop go
     */
    InProcessJob(String label, JobClient client, String checkpointDir, PrintWriter err) {
        this.label = label;
        this.client = client;
        this.checkpointDir = checkpointDir;
        this.err = err;
    }

    /**
     * Waits for the job's end or a stop request; returns the command's exit code: 0 for a job that finished or was
     * stopped with a savepoint, 1 otherwise. {@code command} is the command and its arguments as given, for the line
     * that says how to resume.
     */
    int run(List<String> command) throws Exception {
        try (StopSignals signals = new StopSignals(() -> {
            err.println(label + ": already stopping with a savepoint (at most " + SavepointStop.DEFAULT_TIMEOUT.toSeconds() + " s)");
            err.flush();
        })) {
            CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
            while (!signals.await(POLL)) {
                if (result.isDone()) {
                    return ended(null, result);
                }
                JobStatus status;
                try {
                    status = client.getJobStatus().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | IllegalStateException e) {
                    // The in-process cluster shuts down as soon as a job finishes (a bounded run): asking for the
                    // status then fails, at once or in the future; the result is still there.
                    if (!settles(result)) {
                        throw e;
                    }
                    return ended(null, result);
                }
                if (status.isGloballyTerminalState()) {
                    return ended(status, result);
                }
            }
            err.println(label + ": stopping with a savepoint in " + checkpointDir + " ...");
            err.flush();
            SavepointStop.Outcome outcome = SavepointStop.stop(client, checkpointDir, SavepointStop.DEFAULT_TIMEOUT);
            if (!outcome.saved()) {
                err.println(label + ": stopped without a savepoint: " + outcome.problem());
                err.flush();
                return 1;
            }
            err.println(label + ": stopped with savepoint " + outcome.savepoint());
            err.println("resume with: " + resumeCommand(command, outcome.savepoint()));
            err.flush();
            return 0;
        }
    }

    /** Whether the job's result comes within the wait for a status. */
    private static boolean settles(CompletableFuture<JobExecutionResult> result) throws InterruptedException {
        try {
            result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // Ended, failed: ended() says why.
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    /** Says how the job ended, {@code status} when known; 0 for a job that finished, else 1. */
    private int ended(JobStatus status, CompletableFuture<JobExecutionResult> result) throws InterruptedException {
        String why = "";
        try {
            result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            why = cause(e);
        } catch (TimeoutException e) {
            // The status says enough.
        }
        if (why.isEmpty() && (status == null || status == JobStatus.FINISHED)) {
            err.println(label + " job ended: FINISHED");
            err.flush();
            return 0;
        }
        String how = status == null ? "" : status.toString();
        err.println((label + " job ended: " + how + (how.isEmpty() || why.isEmpty() ? "" : ": ") + why).replaceAll("\\s*[\\r\\n]+\\s*", " "));
        err.flush();
        return 1;
    }

    /** The deepest message that says why, past Flink's wrappers ("Job execution failed", "Recovery is suppressed"). */
    private static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof ExecutionException || t instanceof JobExecutionException || t.getMessage() == null
                    || t.getMessage().startsWith("Recovery is suppressed"))) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** {@code factory <command> <its arguments>} as given on the command line of {@code spec}'s run. */
    static List<String> commandLine(CommandSpec spec) {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        // The original arguments are the whole line's: the subcommand's own follow its name.
        int at = all.indexOf(spec.name());
        List<String> line = new ArrayList<>(List.of("factory", spec.name()));
        line.addAll(all.subList(at + 1, all.size()));
        return line;
    }

    /** {@code command} with {@code --restore-from savepoint} in place of any {@code --restore-from} it had, quoted for a shell. */
    static String resumeCommand(List<String> command, String savepoint) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String a = command.get(i);
            if (a.equals("--restore-from")) {
                i++;
            } else if (!a.startsWith("--restore-from=")) {
                args.add(a);
            }
        }
        args.add("--restore-from");
        args.add(savepoint);
        StringBuilder line = new StringBuilder();
        for (String a : args) {
            line.append(line.length() == 0 ? "" : " ").append(PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }
}
