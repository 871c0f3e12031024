package ai.factory.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import ai.factory.flink.CheckpointDirectory;
import ai.factory.flink.SavepointStop;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.metrics.MetricsEndpoint;
import ai.factory.options.MetricsOptions;
import ai.factory.trainer.job.ModelInput;
import ai.factory.trainer.job.TrainerArguments;
import ai.factory.trainer.job.TrainerJob;
import ai.factory.trainer.job.TrainerOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code factory train}: the online-trainer Flink job, in this process. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
            "Runs the online-trainer Flink job (examples -> model releases) in this process.",
            "Mini-batches of examples go through an ONNX training-step graph on ONNX Runtime; releases are published on "
                + "the models topic and promoted to champion when they pass the gate. Input sizes, the model's name, task "
                + "and label scale come from the feature spec.",
            "Checkpoints are kept in --checkpoint-dir; Ctrl-C or SIGTERM stops the job with a savepoint there (within "
                + SavepointStop.DEFAULT_TIMEOUT_SECONDS + " s, else it is cancelled and the exit code is 1) and prints the "
                + "command that resumes from it; --restore-from latest resumes from the newest checkpoint or savepoint, also "
                + "after a crash. Without a restore a new run starts from the champion."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec commandSpec;

    @Mixin
    TrainerArguments trainer;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
            description = "Feature spec the model consumes, a file or classpath:... (default: ${DEFAULT-VALUE}).")
    String spec;

    /** The trainer options these arguments describe, with the default checkpoint directory of this job when none was given. */
    TrainerOptions options() {
        TrainerOptions options = trainer.options(ModelInput.fromSpec(spec));
        return options.checkpointDir() != null ? options : options.withCheckpoints(options.checkpointInterval(),
                CheckpointDirectory.defaultFor(TrainerJob.clusterJobName(options)));
    }

    @Override
    public Integer call() throws Exception {
        TrainerOptions options = options();
        PrintWriter err = commandSpec.commandLine().getErr();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // The job's own metrics (examples trained, releases by decision), bridged from its in-process cluster.
        try (MetricsEndpoint endpoint = metrics.serve(meters::scrape);
             TrainerJob.Running job = TrainerJob.start(options, endpoint == null ? null : meters)) {
            err.println("online-trainer running: " + options.topics().examples() + " -> " + options.topics().models()
                    + " (model " + options.modelName() + ", " + options.model().kind().label() + ", checkpoints in "
                    + options.checkpointDir() + "). Ctrl-C stops it with a savepoint.");
            err.flush();
            return new InProcessJob("online-trainer", job.client(), options.checkpointDir(), err)
                    .run(InProcessJob.commandLine(commandSpec));
        }
    }
}
