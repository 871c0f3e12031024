package ai.factory.trainer.job;

import ai.factory.ingest.job.IngestOptions;
import ai.factory.options.OneLineErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Entry point of the trainer's job jar ({@code flink run}, Flink's REST API) and of a plain {@code java -cp} start:
 * the options of {@link TrainerArguments}, and what the model learns from read from the feature spec, as
 * {@code factory train} does. Runs the job on the environment Flink provides (the session cluster's when submitted
 * to one) under the name {@link TrainerJob#clusterJobName}; never exits the JVM (on a cluster it may be the
 * JobManager's): bad arguments throw.
 */
@Command(name = "online-trainer", description = "The online-trainer Flink job: examples -> model releases.")
public final class TrainerMain {

    @Mixin
    TrainerArguments arguments;

    @Option(names = "--spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
            description = "Feature spec the model consumes: a JSON file, classpath:specs/flights.json, or the JSON itself "
                    + "(default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /**
     * The options {@code args} give, as the job's main reads them.
     *
     * @throws CommandLine.ParameterException naming what is wrong, in one line
     */
    public static TrainerOptions options(String... args) {
        TrainerMain main = new TrainerMain();
        new CommandLine(main).parseArgs(args);
        return main.options();
    }

    private TrainerOptions options() {
        ModelInput input;
        try {
            input = ModelInput.fromSpec(spec);
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(arguments.mixee.commandLine(), "--spec: " + e.getMessage(), e);
        }
        return arguments.options(input);
    }

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
            options = main.options();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(OneLineErrors.message(e), e);
        }
        TrainerJob.run(options);
    }
}
