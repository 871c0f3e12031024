package ai.factory.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ai.factory.replay.Replay;

/**
 * The demo's live status line: what the replay has sent and what the loop has made of it (predictions, examples,
 * champion, online log loss and AUC), redrawn in place on a terminal, every few seconds otherwise.
 */
public final class LiveView {

    private static final long PLAIN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int BAD_LINES_SHOWN = 20;

    private final PrintStream err;
    private final LoopObserver observer;
    private final String dashboard;
    private final boolean terminal = System.console() != null;
    private long lastPlain;
    private long badLines;

    public LiveView(PrintStream err, LoopObserver observer, String dashboard) {
        this.err = err;
        this.observer = observer;
        this.dashboard = dashboard;
    }

    /** Shows the replay's progress next to the loop's. */
    public void show(Replay.Progress sent) {
        String line = line(sent.events(), sent.feedback(), sent.fractionRead(), observer.snapshot());
        if (terminal) {
            err.print("\r" + line + "   ");
            err.flush();
        } else if (System.nanoTime() - lastPlain > PLAIN_EVERY_NANOS) {
            lastPlain = System.nanoTime();
            err.println(line);
        }
    }

    public void badLine(long lineNumber, String reason) {
        if (++badLines <= BAD_LINES_SHOWN) {
            err.println((terminal ? "\n" : "") + "line " + lineNumber + ": " + reason + " (skipped)");
        }
    }

    /**
     * Waits, showing progress, until every event sent has a prediction and every feedback record an example (or was
     * counted late: its label came after the join window), or the timeout passes; returns whether the loop drained.
     */
    public boolean drain(Replay.Progress sent, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        LoopObserver.Snapshot s = observer.snapshot();
        while (!drained(sent, s) && System.nanoTime() < deadline) {
            show(sent);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            s = observer.snapshot();
        }
        err.println((terminal ? "\r" : "") + line(sent.events(), sent.feedback(), 1.0, s) + "   ");
        return drained(sent, s);
    }

    private static boolean drained(Replay.Progress sent, LoopObserver.Snapshot s) {
        return s.predictedEvents() >= sent.events() && s.examples() + s.lateFeedback() >= sent.feedback();
    }

    private String line(long events, long feedback, double fraction, LoopObserver.Snapshot s) {
        String quality = s.regression()
                ? "RMSE " + number(s.quality().rmse(), "%.4f") + " (mean " + number(s.quality().runningMeanRmse(), "%.4f") + ")"
                : "logloss " + number(s.quality().logLoss(), "%.4f") + "  AUC " + number(s.quality().auc(), "%.3f");
        return String.format("%3.0f%% events %,d  feedback %,d | predictions %,d  examples %,d (+%,d late)  releases %d  champion %s"
                        + "  %s  | %s",
                fraction * 100, events, feedback, s.predictedEvents(), s.examples(), s.lateFeedback(), s.releases(),
                s.championVersion() < 0 ? "-" : "v" + s.championVersion(), quality, dashboard);
    }

    private static String number(double x, String format) {
        return Double.isNaN(x) ? "-" : String.format(format, x);
    }
}
