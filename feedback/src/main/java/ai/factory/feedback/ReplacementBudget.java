package ai.factory.feedback;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * How many times a failed stream thread is replaced: at most {@code maxReplacements} within {@code window}, each after
 * a backoff that doubles from {@code firstBackoff} up to {@code maxBackoff}. A failure that repeats on every attempt (a
 * dead letter the broker refuses, a topic that was deleted) then stops the app instead of replacing its thread in a
 * hot loop; one now and then (a broker restart) is replaced for ever.
 */
final class ReplacementBudget {

    /**
     * Five replacements within ten minutes, after 1 s, 2 s, 4 s, 8 s, 10 s. A replaced thread also waits for its
     * group to rebalance, up to the consumer's {@code session.timeout.ms} (45 s by default) when the failed thread
     * did not leave the group, so five failures in a row take from about half a minute to about four; the window
     * holds them all.
     */
    static ReplacementBudget standard() {
        return new ReplacementBudget(5, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    private final int maxReplacements;
    private final Duration window;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Deque<Long> failures = new ArrayDeque<>();

    ReplacementBudget(int maxReplacements, Duration window, Duration firstBackoff, Duration maxBackoff) {
        if (maxReplacements < 0 || window.isNegative() || firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("replacement budget needs maxReplacements >= 0 and 0 <= first <= max backoff");
        }
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Records a failure at {@code nowMillis}: the backoff before replacing the thread, or empty when this failure is
     * one more than the budget allows within the window and the app should stop.
     */
    synchronized Optional<Duration> onFailure(long nowMillis) {
        while (!failures.isEmpty() && failures.peekFirst() <= nowMillis - window.toMillis()) {
            failures.removeFirst();
        }
        failures.addLast(nowMillis);
        int recent = failures.size();
        if (recent > maxReplacements) {
            return Optional.empty();
        }
        Duration backoff = firstBackoff;
        for (int i = 1; i < recent && backoff.compareTo(maxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return Optional.of(backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff);
    }

    /** For the stop message: "N failures within W". */
    synchronized String describe() {
        return failures.size() + " failures within " + window;
    }
}
