package ai.factory.trainer.governance;

/** Quantiles of the standard normal distribution, for fixed-sample confidence intervals. */
final class NormalQuantile {

    private NormalQuantile() {
    }

    /**
     * The z with Φ(z) = p, to about 1e-9: bisection on Φ, itself Simpson's rule on the density (exact enough and
     * obviously right; it runs once per test, not per event).
     */
    static double of(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a probability in (0, 1) is needed, got " + p);
        }
        double low = -40;
        double high = 40;
        for (int i = 0; i < 100 && high - low > 1e-10; i++) {
            double mid = (low + high) / 2;
            if (cdf(mid) < p) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /** Φ(z) = 1/2 + ∫₀^z φ(t) dt, by Simpson's rule over 2,000 intervals of at most 0.004 (|z| ≤ 8; beyond, 0 or 1). */
    static double cdf(double z) {
        if (z <= -8) {
            return 0;
        }
        if (z >= 8) {
            return 1;
        }
        int intervals = 2_000;
        double h = z / intervals;
        double sum = density(0) + density(z);
        for (int i = 1; i < intervals; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * density(i * h);
        }
        return 0.5 + sum * h / 3;
    }

    private static double density(double t) {
        return Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
    }
}
