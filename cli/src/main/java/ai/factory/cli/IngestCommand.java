package ai.factory.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import ai.factory.flink.CheckpointDirectory;
import ai.factory.flink.SavepointStop;
import ai.factory.ingest.job.IngestArguments;
import ai.factory.ingest.job.IngestHandle;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.metrics.MetricsEndpoint;
import ai.factory.options.MetricsOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code factory ingest}: the feature-preparation Flink job, in this process (a local Flink MiniCluster). */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {
            "Runs the stream-ingest Flink job (events -> features) in this process.",
            "Validates, de-duplicates and featurizes events as the feature spec says; rejects go to events.dlq. To run "
                + "it on a Flink cluster instead, submit stream-ingest's job jar (stream-ingest/target/*-job.jar) with the "
                + "same options (see stream-ingest/README.md).",
            "Checkpoints are kept in --checkpoint-dir; Ctrl-C or SIGTERM stops the job with a savepoint there (within "
                + SavepointStop.DEFAULT_TIMEOUT_SECONDS + " s, "
                + "else it is cancelled and the exit code is 1) and prints the command that resumes from it; "
                + "--restore-from latest resumes from the newest checkpoint or savepoint, also after a crash."})
final class IngestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    IngestArguments ingest;

    @Mixin
    MetricsOptions metrics;

    /** The options given, with the default checkpoint directory of this job when none was given. */
    IngestOptions options() {
        IngestOptions options = ingest.options();
        return options.checkpointDir() != null ? options
                : options.withCheckpointDir(CheckpointDirectory.defaultFor(IngestJob.clusterJobName(options)));
    }

    @Override
    public Integer call() throws Exception {
        IngestOptions options = options();
        PrintWriter err = spec.commandLine().getErr();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // The job's own metrics (events in and out, rejects by reason), bridged from its in-process cluster.
        try (MetricsEndpoint endpoint = metrics.serve(meters::scrape);
             IngestHandle job = IngestJob.start(options, endpoint == null ? null : meters)) {
            err.println("stream-ingest running: " + options.topics().events() + " -> " + options.topics().features()
                    + " (spec " + options.specLocation() + ", checkpoints in " + options.checkpointDir()
                    + "). Ctrl-C stops it with a savepoint.");
            err.flush();
            return new InProcessJob("stream-ingest", job.client(), options.checkpointDir(), err).run(InProcessJob.commandLine(spec));
        }
    }
}
