package ai.factory.scoring.service;

import java.time.Duration;

/** Delays between attempts at something that keeps failing: {@code first}, doubling up to {@code max}; reset on success. */
final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff from " + first + " to " + max);
        }
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The delay before the next attempt; the one after it is twice as long, up to the maximum. */
    Duration next() {
        Duration delay = next;
        next = next.compareTo(max.dividedBy(2)) >= 0 ? max : next.multipliedBy(2);
        return delay;
    }

    void reset() {
        next = first;
    }
}
