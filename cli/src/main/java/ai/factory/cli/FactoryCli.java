package ai.factory.cli;

import ai.factory.feedback.FeedbackCommand;
import ai.factory.options.CommandLines;
import ai.factory.scoring.ScorerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code factory} command: runs and inspects an AI Factory. */
@Command(name = "factory",
        mixinStandardHelpOptions = true,
        versionProvider = FactoryVersion.class,
        description = "Runs and inspects an AI Factory: Kafka topics in, continuously learning models out.",
        subcommands = {BrokerCommand.class, TopicsCommand.class, ProduceCommand.class, SubscribeCommand.class,
            IngestCommand.class, ScorerCommand.class, FeedbackCommand.class, TrainCommand.class, SubmitCommand.class, ModelsCommand.class,
            ExplainCommand.class,
            OpsCommand.class, LagCommand.class, InitCommand.class, DemoCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class FactoryCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding): 2 for a bad command line, 1 for a failure. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The {@code factory} command with its error handling: one line on standard error for a bad command line or a failure. */
    static CommandLine commandLine() {
        return CommandLines.standard(new FactoryCli()).setExecutionExceptionHandler(new FriendlyErrors());
    }
}
