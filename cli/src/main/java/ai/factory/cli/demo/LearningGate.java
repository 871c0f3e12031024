package ai.factory.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import ai.factory.replay.Replay;

/**
 * Keeps a replay at most {@code maxAhead} events ahead of what the trainer has published: the n-th event waits until
 * a release trained on at least n − maxAhead examples exists. Without it, a replay faster than the loop
 * (--speedup max) has most events scored by a model that has seen almost nothing, and the online numbers measure the
 * hardware, not the learning. It follows the newest release of any status, not the champion: whether a release is
 * promoted is the gate's judgement of quality, and pacing on it would stall the replay (and so the examples that
 * would let a better release come) whenever a few candidates in a row lose. No bound applies before the first
 * release; a wait is cut short after {@code maxWait} with a warning, and the replay then runs another
 * {@code maxAhead} events freely, so a stuck trainer slows the demo instead of hanging it.
 */
public final class LearningGate implements Replay.Gate {

    private final LongSupplier releasedExamplesTrained;
    private final long maxAhead;
    private final Duration maxWait;
    private final PrintStream err;
    private long events;
    private long allowedThrough;
    private long timeouts;

    /** @param releasedExamplesTrained examples the newest release has trained on, or -1 before any release */
    public LearningGate(LongSupplier releasedExamplesTrained, long maxAhead, Duration maxWait, PrintStream err) {
        this.releasedExamplesTrained = releasedExamplesTrained;
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
            long trained = releasedExamplesTrained.getAsLong();
            if (trained < 0) {
                return;
            }
            allowedThrough = trained + maxAhead;
            if (events <= allowedThrough) {
                return;
            }
            if (System.nanoTime() > deadline) {
                timeouts++;
                err.println("\nthe newest release has learned from " + trained + " examples; replaying the next "
                        + maxAhead + " events after waiting " + maxWait.toSeconds() + " s for it");
                allowedThrough = events + maxAhead;
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
