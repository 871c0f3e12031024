package ai.factory.options;

import java.util.List;

import picocli.CommandLine;

/**
 * A bad command line as one line on standard error, {@code error: WHAT (see 'factory score --help')}, and exit code 2
 * (picocli's default prints the whole usage after the message, which pushes the message off the screen). Every
 * picocli entry point sets it, so every command reports a bad option value, an unknown option and a missing one the
 * same way.
 */
public final class OneLineErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr().println(command.getColorScheme().errorText("error: " + message(e)));
        command.getErr().flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * What is wrong with the command line, in one line: the message of {@code e}, picocli's suggestions for a mistyped
     * option, and where to look. Also for entry points that throw instead of exiting (Flink job mains).
     */
    public static String message(CommandLine.ParameterException e) {
        StringBuilder line = new StringBuilder(String.valueOf(e.getMessage()).strip());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                List<String> some = suggestions.subList(0, Math.min(3, suggestions.size()));
                String last = some.get(some.size() - 1);
                line.append("; did you mean ")
                        .append(some.size() == 1 ? last : String.join(", ", some.subList(0, some.size() - 1)) + " or " + last)
                        .append('?');
            }
        }
        line.append(" (see '").append(e.getCommandLine().getCommandSpec().qualifiedName()).append(" --help')");
        // A message with line breaks would read as several errors.
        return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
