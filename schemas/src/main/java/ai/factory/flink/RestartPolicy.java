package ai.factory.flink;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

import ai.factory.options.DurationConverter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * How a Flink job of the factory restarts after a failure: Flink's exponential-delay strategy. The first restart waits
 * {@code initialBackoff}, each next one {@code multiplier} times longer up to {@code maxBackoff}, each randomised by
 * {@code jitter}; after {@code attempts} restarts in a row the job fails. A job that then runs {@code resetAfter} without
 * failing has its count and backoff reset, so a long-lived job survives a failure a day, while one that keeps failing
 * ends FAILED within {@link #longestTimeToFail()}. {@code attempts} 0 fails the job at its first error.
 *
 * @param attempts       restarts in a row (no {@code resetAfter} of running between them) before the job fails
 * @param initialBackoff wait before the first restart
 * @param maxBackoff     longest wait between restarts
 * @param multiplier     each wait is this many times the one before (above 1)
 * @param jitter         each wait is randomised by up to this fraction of the initial backoff, either way (0 to 1), so
 *                       jobs failing together do not restart together
 * @param resetAfter     running this long after a restart without failing resets the count and the backoff
 */
public record RestartPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                            double jitter, Duration resetAfter) implements Serializable {

    // The defaults, each written once: the command lines show them and defaults() uses them.
    /** About 5 minutes of backoff (1+2+4+...+32 s, then 60 s four times) before a job that keeps failing gives up. */
    public static final int DEFAULT_ATTEMPTS = 10;
    public static final String DEFAULT_INITIAL_BACKOFF = "1s";
    public static final String DEFAULT_MAX_BACKOFF = "1m";
    public static final String DEFAULT_MULTIPLIER = "2.0";
    public static final String DEFAULT_JITTER = "0.1";
    public static final String DEFAULT_RESET_AFTER = "10m";

    public RestartPolicy {
        if (attempts < 0) {
            throw new IllegalArgumentException("the restart attempts must be 0 or more, was " + attempts);
        }
        requireAtLeastAMillisecond("initial restart backoff", initialBackoff);
        requireAtLeastAMillisecond("longest restart backoff", maxBackoff);
        requireAtLeastAMillisecond("restart reset period", resetAfter);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("the longest restart backoff (" + DurationConverter.format(maxBackoff)
                    + ") must not be below the initial one (" + DurationConverter.format(initialBackoff) + ")");
        }
        if (!(multiplier > 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("the restart backoff multiplier must be a number above 1, was " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("the restart jitter must be between 0 and 1, was " + jitter);
        }
    }

    /** 10 restarts in a row, 1 s doubling up to 1 min, 10 % jitter, reset after 10 min of running. */
    public static RestartPolicy defaults() {
        return new RestartPolicy(DEFAULT_ATTEMPTS, DurationConverter.parse(DEFAULT_INITIAL_BACKOFF),
                DurationConverter.parse(DEFAULT_MAX_BACKOFF), Double.parseDouble(DEFAULT_MULTIPLIER),
                Double.parseDouble(DEFAULT_JITTER), DurationConverter.parse(DEFAULT_RESET_AFTER));
    }

    /** No restart: the job fails at its first error (tests, where a restart would hide a failure as a hang). */
    public static RestartPolicy none() {
        return defaults().withAttempts(0);
    }

    public RestartPolicy withAttempts(int n) {
        return new RestartPolicy(n, initialBackoff, maxBackoff, multiplier, jitter, resetAfter);
    }

    public RestartPolicy withBackoff(Duration initial, Duration max) {
        return new RestartPolicy(attempts, initial, max, multiplier, jitter, resetAfter);
    }

    public RestartPolicy withResetAfter(Duration d) {
        return new RestartPolicy(attempts, initialBackoff, maxBackoff, multiplier, jitter, d);
    }

    /** Sets Flink's restart strategy in {@code conf}: exponential-delay, or none for 0 attempts. */
    public Configuration applyTo(Configuration conf) {
        if (attempts == 0) {
            // Flink's exponential-delay strategy needs at least one attempt; none is what 0 means.
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return conf;
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, attempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, initialBackoff);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, maxBackoff);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, multiplier);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, jitter);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, resetAfter);
        return conf;
    }

    /**
     * The most a job that fails at once after every restart spends waiting before it is FAILED: the sum of its
     * backoffs, each at its jitter's upper end (Flink adds up to {@code jitter × initialBackoff} to each).
     */
    public Duration longestTimeToFail() {
        double total = 0;
        double jitterMs = jitter * initialBackoff.toMillis();
        for (int i = 0; i < attempts; i++) {
            total += Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() * Math.pow(multiplier, i) + jitterMs);
        }
        return Duration.ofMillis((long) Math.ceil(total));
    }

    /** One line for a log or a start message. */
    public String describe() {
        if (attempts == 0) {
            return "no restarts";
        }
        return String.format(Locale.ROOT, "up to %d restarts in a row, backoff %s x%s up to %s (jitter %s), reset after %s running",
                attempts, DurationConverter.format(initialBackoff), BigDecimal.valueOf(multiplier).stripTrailingZeros().toPlainString(),
                DurationConverter.format(maxBackoff), BigDecimal.valueOf(jitter).stripTrailingZeros().toPlainString(),
                DurationConverter.format(resetAfter));
    }

    private static void requireAtLeastAMillisecond(String what, Duration d) {
        if (d == null || d.toMillis() < 1) {
            throw new IllegalArgumentException("the " + what + " must be at least 1ms, was " + DurationConverter.format(d));
        }
    }
}
