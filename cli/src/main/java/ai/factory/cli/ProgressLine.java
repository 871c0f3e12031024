package ai.factory.cli;

import java.io.PrintStream;

/**
 * One status line on standard error: redrawn in place on a terminal, printed every few seconds otherwise
 * (logs and CI keep a readable history instead of carriage returns).
 */
final class ProgressLine {

    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private long lastPlain;
    private int lastWidth;

    ProgressLine(PrintStream err) {
        this.err = err;
        this.terminal = System.console() != null;
    }

    void update(String text) {
        if (terminal) {
            String padded = text.length() < lastWidth ? text + " ".repeat(lastWidth - text.length()) : text;
            err.print("\r" + padded);
            err.flush();
            lastWidth = text.length();
        } else if (System.nanoTime() - lastPlain > PLAIN_EVERY_NANOS) {
            lastPlain = System.nanoTime();
            err.println(text);
        }
    }

    /** Leaves the last state on screen and moves to a fresh line. */
    void finish(String text) {
        if (terminal) {
            update(text);
            err.println();
        } else {
            err.println(text);
        }
    }

    static String bar(double fraction, int width) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }
}
