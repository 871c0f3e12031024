package ai.factory.cli.bench;

import java.util.List;

/**
 * Two kinds run in the same rounds, compared round by round: the mean difference, its standard error, the rounds won,
 * and the exact sign-flip p-value that the first is no better (lower) than the second. A run of the loop is not
 * deterministic, so one pair settles nothing; this says how far the rounds do.
 *
 * <p>The sign-flip (randomisation) test assumes only that, if the kinds were alike, each round's difference were as
 * likely negative as positive: it enumerates every flip of the signs, so it needs no normal approximation for a
 * handful of rounds. Its smallest p-value is 2^-n.
 */
public record PairedRounds(int rounds, double meanDifference, double standardError, int wins, double pValue) {

    /** The most rounds compared: 2^20 sign patterns enumerate in a moment, and 20 rounds of the loop take a day. */
    public static final int MAX_ROUNDS = 20;

    /** {@code a[i] - b[i]} for each round i; a lower figure is better (log loss). */
    public static PairedRounds of(List<Double> a, List<Double> b) {
        int n = a.size();
        if (b.size() != n || n == 0 || n > MAX_ROUNDS) {
            throw new IllegalArgumentException("paired rounds need as many runs of each, 1 to " + MAX_ROUNDS + ": " + n + " and " + b.size());
        }
        double[] d = new double[n];
        double sum = 0;
        int wins = 0;
        for (int i = 0; i < n; i++) {
            d[i] = a.get(i) - b.get(i);
            sum += d[i];
            wins += d[i] < 0 ? 1 : 0;
        }
        double mean = sum / n;
        double squares = 0;
        for (double x : d) {
            squares += (x - mean) * (x - mean);
        }
        double se = n > 1 ? Math.sqrt(squares / (n - 1) / n) : Double.NaN;
        return new PairedRounds(n, mean, se, wins, signFlipP(d, sum));
    }

    /** The share of sign patterns whose sum is at most the observed one (ties count: the test stays exact). */
    private static double signFlipP(double[] d, double observed) {
        int n = d.length;
        long atMost = 0;
        double tolerance = 1e-12 * (1 + Math.abs(observed));
        for (long mask = 0; mask < 1L << n; mask++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += (mask >> i & 1) == 0 ? Math.abs(d[i]) : -Math.abs(d[i]);
            }
            atMost += s <= observed + tolerance ? 1 : 0;
        }
        return (double) atMost / (1L << n);
    }
}
