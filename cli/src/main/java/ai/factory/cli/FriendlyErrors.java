package ai.factory.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Turns a failure into one readable line (the stack trace goes to the debug log), exit code 1. */
final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(FriendlyErrors.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        Throwable root = e;
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null && !message.toString().contains(root.getMessage())) {
                message.append(": ").append(root.getMessage());
            }
        }
        command.getErr().println(command.getColorScheme().errorText("error: " + message));
        log.debug("{} failed", command.getCommandName(), e);
        return 1;
    }
}
