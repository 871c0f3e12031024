package ai.factory.cli.demo;

import java.util.Arrays;

/** Exact percentiles of a growing list of values (the demo keeps a sample, so it stays small). */
public final class Percentiles {

    private double[] values = new double[256];
    private int count;

    void add(double value) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = value;
    }

    /** A copy that later additions do not change (for a snapshot). */
    Percentiles copy() {
        Percentiles c = new Percentiles();
        c.values = Arrays.copyOf(values, Math.max(1, count));
        c.count = count;
        return c;
    }

    public int count() {
        return count;
    }

    /** The q-quantile (0..1) by nearest rank; NaN when empty. */
    public double quantile(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }
}
