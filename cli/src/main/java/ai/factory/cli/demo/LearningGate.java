package ai.factory.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import ai.factory.replay.Replay;

/**
 * Keeps a replay at most {@code maxAhead} events ahead of what the serving champion has learned from: the n-th event
 * waits until the champion has trained on at least n − maxAhead examples. Without it, a replay faster than the loop
 * (--speedup max) has most events scored by a model that has seen almost nothing, and the online numbers measure
 * the hardware, not the learning. No bound applies before the first champion (it needs examples first), and a wait
 * is cut short after {@code maxWait} with a warning, so a stuck trainer slows the demo instead of hanging it.
 */
public final class LearningGate implements Replay.Gate {

    private final LongSupplier championExamplesTrained;
    private final long maxAhead;
    private final Duration maxWait;
    private final PrintStream err;
    private long events;
    private long allowedThrough;
    private long timeouts;

    /** @param championExamplesTrained examples the serving champion has trained on, or -1 without a champion */
    public LearningGate(LongSupplier championExamplesTrained, long maxAhead, Duration maxWait, PrintStream err) {
        this.championExamplesTrained = championExamplesTrained;
        this.maxAhead = maxAhead;
        this.maxWait = maxWait;
        this.err = err;
    }

    @Override
    public void awaitTurn(Instant eventTime) {
        events++;
        if (events <= allowedThrough) {
            return;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            long trained = championExamplesTrained.getAsLong();
            if (trained < 0) {
                return;
            }
            allowedThrough = trained + maxAhead;
            if (events <= allowedThrough) {
                return;
            }
            if (System.nanoTime() > deadline) {
                timeouts++;
                err.println("\nthe champion has learned from " + trained + " examples; replaying event " + events
                        + " after waiting " + maxWait.toSeconds() + " s");
                allowedThrough = events;
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** How many waits ran out. */
    public long timeouts() {
        return timeouts;
    }
}
