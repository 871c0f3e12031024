package ai.factory.ingest.features;

/**
 * Running mean and variance (Welford) kept as {@code double[3] = {n, mean, m2}} so it fits plain Flink state.
 */
public final class RunningMoments {

    private RunningMoments() {
    }

    public static double[] empty() {
        return new double[3];
    }

    /** Adds {@code x} to the moments held at {@code offset} of {@code state}. */
    public static void add(double[] state, int offset, double x) {
        double n = state[offset] + 1;
        double delta = x - state[offset + 1];
        double mean = state[offset + 1] + delta / n;
        state[offset] = n;
        state[offset + 1] = mean;
        state[offset + 2] += delta * (x - mean);
    }

    /** {@code (x - mean) / stddev} (population), or 0 while the spread is still zero. */
    public static double standardize(double[] state, int offset, double x) {
        double n = state[offset];
        double variance = n > 0 ? state[offset + 2] / n : 0.0;
        if (variance <= 0.0) {
            return 0.0;
        }
        return (x - state[offset + 1]) / Math.sqrt(variance);
    }
}
