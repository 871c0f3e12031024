package ai.factory.trainer.job;

import ai.factory.options.OneLineErrors;
import ai.factory.target.ModelTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command-line entry of the trainer job: the options of {@link TrainerArguments}, and what the model learns from
 * given by hand (without the feature spec, which {@code factory train} reads instead); runs the job until it is
 * cancelled.
 */
@Command(name = "online-trainer", description = "The online-trainer Flink job: examples -> model releases.")
public final class TrainerMain {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerMain.class);

    @Mixin
    TrainerArguments arguments;

    @Option(names = "--spec", required = true, paramLabel = "NAME",
            description = "Name of the feature spec the model consumes; examples of other specs are dead-lettered.")
    String spec;

    @Option(names = "--spec-version", defaultValue = "1", paramLabel = "N", description = "The spec's version (default: ${DEFAULT-VALUE}).")
    int specVersion;

    @Option(names = "--dense-size", required = true, paramLabel = "D", description = "Length of the spec's dense vector.")
    int denseSize;

    @Option(names = "--sparse-width", required = true, paramLabel = "S", description = "Hashed ids per vector of the spec.")
    int sparseWidth;

    @Option(names = "--buckets", defaultValue = "" + (1 << 18), paramLabel = "N",
            description = "Size of the spec's hashed id space (default: ${DEFAULT-VALUE}).")
    int buckets;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** What the model learns from: a binary model named after the spec unless --model and --task say otherwise. */
    ModelInput input() {
        return new ModelInput(spec, specVersion, denseSize, sparseWidth, buckets, ModelTarget.binary(spec));
    }

    /**
     * The options {@code args} give, as the job's main reads them.
     *
     * @throws CommandLine.ParameterException naming what is wrong, in one line
     */
    public static TrainerOptions options(String... args) {
        TrainerMain main = new TrainerMain();
        new CommandLine(main).parseArgs(args);
        return main.arguments.options(main.input());
    }

    /** Runs the job; never exits the JVM (on a cluster it may be the JobManager's): bad arguments throw. */
    public static void main(String[] args) throws Exception {
        TrainerMain main = new TrainerMain();
        CommandLine line = new CommandLine(main);
        TrainerOptions options;
        try {
            line.parseArgs(args);
            if (line.isUsageHelpRequested()) {
                line.usage(System.out);
                return;
            }
            options = main.arguments.options(main.input());
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(OneLineErrors.message(e), e);
        }
        try (TrainerJob.Running running = TrainerJob.start(options)) {
            LOG.info("online trainer {} running as Flink job {}", options.modelName(), running.client().getJobID());
            running.client().getJobExecutionResult().get();
        }
    }
}
