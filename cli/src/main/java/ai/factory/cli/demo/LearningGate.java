package ai.factory.cli.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import ai.factory.replay.Replay;

/**
 * Keeps a replay at most {@code maxAhead} labels ahead of what the trainer has published: before each event, the
 * labels sent so far may exceed the examples the newest release has trained on by at most {@code maxAhead}. Without
 * it, a replay faster than the loop (--speedup max) has most events scored by a model that has seen almost nothing,
 * and the online numbers measure the hardware, not the learning. It counts labels, not events: a trainer can only have
 * learned from labels already sent, and these trail the events by the label delay (hundreds of flights): paced on
 * events, a small bound waited for examples whose labels the waiting replay itself held back, until each wait timed
 * out. It follows the newest release of any status, not the champion: whether a release is promoted is the gate's
 * judgement of quality, and pacing on it would stall the replay (and so the examples that would let a better release
 * come) whenever a few candidates in a row lose. No bound applies before the first release; a wait is cut short after
 * {@code maxWait} with a warning, and the replay then sends another {@code maxAhead} labels freely, so a stuck
 * trainer slows the demo instead of hanging it.
 */
public final class LearningGate implements Replay.Gate {

    private final LongSupplier releasedExamplesTrained;
    private final LongSupplier labelsSent;
    private final long maxAhead;
    private final Duration maxWait;
    private final PrintStream err;
    private long allowedThrough;
    private long timeouts;

    /**
     * @param releasedExamplesTrained examples the newest release has trained on, or -1 before any release
     * @param labelsSent              labels the replay has sent so far
     */
    public LearningGate(LongSupplier releasedExamplesTrained, LongSupplier labelsSent, long maxAhead, Duration maxWait,
                        PrintStream err) {
        this.releasedExamplesTrained = releasedExamplesTrained;
        this.labelsSent = labelsSent;
        this.maxAhead = maxAhead;
        this.maxWait = maxWait;
        this.err = err;
    }

    @Override
    public void awaitTurn(Instant eventTime) {
        long labels = labelsSent.getAsLong();
        if (labels <= allowedThrough) {
            return;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            long trained = releasedExamplesTrained.getAsLong();
            if (trained < 0) {
                return;
            }
            allowedThrough = trained + maxAhead;
            if (labels <= allowedThrough) {
                return;
            }
            if (System.nanoTime() > deadline) {
                timeouts++;
                err.println("\nthe newest release has learned from " + trained + " examples; replaying the next "
                        + maxAhead + " labels after waiting " + maxWait.toSeconds() + " s for it");
                allowedThrough = labels + maxAhead;
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
