package ai.factory.init;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one column of a data sample holds: how many values are missing, numbers, integers or booleans, their range
 * and quantiles, the distinct values (counted up to a cap) and the longest text. Filled value by value, read after.
 */
public final class ColumnProfile {

    /** Distinct values are counted up to this many; beyond it a column is "many-valued". */
    static final int DISTINCT_CAP = 5_000;
    /** Values kept as they are, for time-format detection. */
    static final int KEPT_SAMPLES = 200;

    private final String name;
    private long rows;
    private long missing;
    private long numbers;
    private long integers;
    private long booleans;
    private int maxLength;
    private double[] numeric = new double[256];
    private int numericCount;
    private final Map<String, Integer> distinct = new HashMap<>();
    private boolean distinctOverflow;
    private final List<String> kept = new ArrayList<>();

    ColumnProfile(String name) {
        this.name = name;
    }

    /** Adds one cell; null or blank is a missing value. */
    void add(String value) {
        rows++;
        if (value == null || value.isBlank()) {
            missing++;
            return;
        }
        String v = value.trim();
        maxLength = Math.max(maxLength, v.length());
        if (kept.size() < KEPT_SAMPLES) {
            kept.add(v);
        }
        if (!distinctOverflow) {
            distinct.merge(v, 1, Integer::sum);
            distinctOverflow = distinct.size() > DISTINCT_CAP;
            if (distinctOverflow) {
                distinct.clear();
            }
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            booleans++;
            return;
        }
        Double d = number(v);
        if (d != null) {
            numbers++;
            if (d == Math.rint(d) && !v.contains(".") && !lower.contains("e")) {
                integers++;
            }
            if (numericCount == numeric.length) {
                numeric = Arrays.copyOf(numeric, numeric.length * 2);
            }
            numeric[numericCount++] = d;
        }
    }

    /** The number a cell holds, or null: plain decimal notation only ("NaN", "Infinity" and hex are text). */
    static Double number(String v) {
        char c = v.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String name() {
        return name;
    }

    public long rows() {
        return rows;
    }

    public long missing() {
        return missing;
    }

    public long present() {
        return rows - missing;
    }

    /** Every present value is a number. */
    public boolean numeric() {
        return present() > 0 && numbers == present();
    }

    /** Every present value is a whole number written without a decimal point. */
    public boolean integral() {
        return numeric() && integers == present();
    }

    /** Every present value is true or false. */
    public boolean bool() {
        return present() > 0 && booleans == present();
    }

    /** Distinct present values, or -1 when there were more than {@link #DISTINCT_CAP}. */
    public int distinct() {
        return distinctOverflow ? -1 : distinct.size();
    }

    /** Distinct values for a message: the count, or "over 5000". */
    public String distinctText() {
        return distinctOverflow ? "over " + DISTINCT_CAP : Integer.toString(distinct.size());
    }

    /** Counts of the distinct values (empty when there were too many). */
    public Map<String, Integer> valueCounts() {
        return Map.copyOf(distinct);
    }

    public int maxLength() {
        return maxLength;
    }

    /** The first present values, as written. */
    public List<String> samples() {
        return List.copyOf(kept);
    }

    /** The q-quantile (0..1) of the numeric values, nearest rank; NaN when there are none. */
    public double quantile(double q) {
        if (numericCount == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(numeric, numericCount);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * numericCount) - 1;
        return sorted[Math.max(0, Math.min(numericCount - 1, rank))];
    }

    public double min() {
        return quantile(0);
    }

    public double max() {
        return quantile(1);
    }
}
