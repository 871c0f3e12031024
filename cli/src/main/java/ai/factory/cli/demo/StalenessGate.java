package ai.factory.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import ai.factory.replay.Replay;

/**
 * Keeps a replay within a bounded event-time distance of what the serving model has learned: an event waits until
 * the champion has trained on examples no older than {@code maxStaleness} before it. Without it, a replay faster than
 * the loop measures a model many hours stale in the data's own time (at full speed, seconds of release latency are
 * days of flights). No bound applies before the first champion, and a wait is cut short after {@code maxWait} with a
 * warning, so a stuck trainer slows the demo instead of hanging it.
 */
public final class StalenessGate implements Replay.Gate {

    private final Supplier<Instant> championTrainedThrough;
    private final Duration maxStaleness;
    private final Duration maxWait;
    private final PrintStream err;
    private Instant allowedUntil = Instant.MIN;
    private long timeouts;

    /**
     * @param championTrainedThrough the event time the serving champion has learned up to, or null without a champion
     */
    public StalenessGate(Supplier<Instant> championTrainedThrough, Duration maxStaleness, Duration maxWait, PrintStream err) {
        this.championTrainedThrough = championTrainedThrough;
        this.maxStaleness = maxStaleness;
        this.maxWait = maxWait;
        this.err = err;
    }

    @Override
    public void awaitTurn(Instant eventTime) {
        if (!eventTime.isAfter(allowedUntil)) {
            return;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Instant trained = championTrainedThrough.get();
            if (trained == null) {
                return;
            }
            allowedUntil = trained.plus(maxStaleness);
            if (!eventTime.isAfter(allowedUntil)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                timeouts++;
                err.println("\nthe champion has learned only up to " + trained + "; replaying on at " + eventTime
                        + " after waiting " + maxWait.toSeconds() + " s");
                allowedUntil = eventTime;
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** How many waits ran out. */
    public long timeouts() {
        return timeouts;
    }
}
