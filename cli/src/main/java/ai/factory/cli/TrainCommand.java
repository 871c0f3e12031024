package ai.factory.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ai.factory.ingest.job.IngestOptions;
import ai.factory.trainer.job.ModelInput;
import ai.factory.trainer.job.TrainerArguments;
import ai.factory.trainer.job.TrainerJob;
import ai.factory.trainer.job.TrainerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code factory train}: the online-trainer Flink job, in this process. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
            "Runs the online-trainer Flink job (examples -> model releases) in this process.",
            "Mini-batches of examples go through an ONNX training-step graph on ONNX Runtime; releases are published on "
                + "the models topic and promoted to champion when they pass the gate. Input sizes, the model's name, task "
                + "and label scale come from the feature spec. Ctrl-C cancels the job; a restart resumes from the champion."})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    TrainerArguments trainer;

    @Option(names = "--spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
            description = "Feature spec the model consumes, a file or classpath:... (default: ${DEFAULT-VALUE}).")
    String spec;

    /** The trainer options these arguments describe. */
    TrainerOptions options() {
        return trainer.options(ModelInput.fromSpec(spec));
    }

    @Override
    public Integer call() throws Exception {
        TrainerOptions options = options();
        TrainerJob.Running job = TrainerJob.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                job.close();
            } catch (Exception e) {
                System.err.println("stopping the trainer: " + e.getMessage());
            }
            stopped.countDown();
        }, "train-shutdown"));
        System.err.println("online-trainer running: " + options.topics().examples() + " -> " + options.topics().models()
                + " (model " + options.modelName() + ", " + options.model().kind().label() + "). Ctrl-C stops it.");
        while (!stopped.await(5, TimeUnit.SECONDS)) {
            if (job.client().getJobStatus().get().isTerminalState()) {
                System.err.println("online-trainer job ended: " + job.client().getJobStatus().get());
                return 1;
            }
        }
        return 0;
    }
}
