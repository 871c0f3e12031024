package ai.factory.options;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How every entry point builds its picocli command line, so all of them behave alike: a bad command line is one line
 * and exit code 2 ({@link OneLineErrors}), and the help of a command with a duration option states once, in the same
 * words everywhere, how a DURATION is written.
 */
public final class CommandLines {

    /** The footer line of a command with a DURATION option. */
    static final String DURATIONS = "DURATION: " + DurationConverter.FORMS.replace(" or forever", "")
            + " (ISO-8601); forever only where the option says so.";

    private CommandLines() {
    }

    /** {@code command} (annotated with picocli's {@code @Command}) as a command line, ready to {@link CommandLine#execute}. */
    public static CommandLine standard(Object command) {
        CommandLine line = new CommandLine(command).setParameterExceptionHandler(new OneLineErrors());
        explainDurations(line);
        return line;
    }

    private static void explainDurations(CommandLine line) {
        CommandSpec spec = line.getCommandSpec();
        if (spec.options().stream().anyMatch(o -> o.type() == Duration.class)) {
            List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
            footer.add("%n" + DURATIONS);
            spec.usageMessage().footer(footer.toArray(String[]::new));
        }
        line.getSubcommands().values().forEach(CommandLines::explainDurations);
    }
}
