package ai.factory.init;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.evaluation.ProgressiveMetrics;

/**
 * How strongly a column goes with the label in a sample: the share of the label's variance that the column
 * explains (squared correlation for numbers, the correlation ratio of shrunk category means for categories), and
 * for binary labels the AUC of ranking by the column. Used to rank categoricals and to flag likely label leaks.
 */
final class Association {

    /** Rows a category needs before its own mean counts as much as the overall mean (shrinkage). */
    static final double PRIOR_ROWS = 20;

    private Association() {
    }

    /** Squared Pearson correlation of x and y over the pairs where x is present (NaN: absent). */
    static double rSquared(double[] x, double[] y) {
        double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i])) {
                continue;
            }
            n++;
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            syy += y[i] * y[i];
            sxy += x[i] * y[i];
        }
        double vx = sxx - sx * sx / n;
        double vy = syy - sy * sy / n;
        if (n < 2 || vx <= 0 || vy <= 0) {
            return 0;
        }
        double cov = sxy - sx * sy / n;
        return cov * cov / (vx * vy);
    }

    /**
     * Correlation ratio of y on the categories: the variance of the category means, each shrunk towards the overall
     * mean by {@link #PRIOR_ROWS}, over the variance of y. Shrinking keeps a many-valued column from explaining the
     * sample by heart.
     */
    static double etaSquared(List<String> category, double[] y) {
        double mean = Arrays.stream(y).average().orElse(0);
        double total = Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum();
        if (total <= 0) {
            return 0;
        }
        Map<String, double[]> groups = groups(category, y);
        double between = 0;
        for (double[] g : groups.values()) {
            double shrunk = (g[1] + PRIOR_ROWS * mean) / (g[0] + PRIOR_ROWS);
            between += g[0] * (shrunk - mean) * (shrunk - mean);
        }
        return between / total;
    }

    /** The shrunk mean label of each row's category, to rank rows by a categorical column. */
    static double[] shrunkMeans(List<String> category, double[] y) {
        double mean = Arrays.stream(y).average().orElse(0);
        Map<String, double[]> groups = groups(category, y);
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double[] g = groups.get(key(category.get(i)));
            out[i] = (g[1] + PRIOR_ROWS * mean) / (g[0] + PRIOR_ROWS);
        }
        return out;
    }

    /**
     * Area under the ROC curve of ranking 0/1 labels by {@code score} (ties count half, as the demo's progressive
     * AUC counts them); 0.5 when one class is absent. Rows whose score is NaN are left out.
     */
    static double auc(double[] score, double[] label) {
        ProgressiveMetrics ranked = new ProgressiveMetrics();
        for (int i = 0; i < score.length; i++) {
            if (!Double.isNaN(score[i])) {
                ranked.add(score[i], label[i]);
            }
        }
        double auc = ranked.count() == 0 ? Double.NaN : ranked.auc();
        return Double.isNaN(auc) ? 0.5 : auc;
    }

    private static Map<String, double[]> groups(List<String> category, double[] y) {
        Map<String, double[]> groups = new HashMap<>();
        for (int i = 0; i < y.length; i++) {
            double[] g = groups.computeIfAbsent(key(category.get(i)), k -> new double[2]);
            g[0]++;
            g[1] += y[i];
        }
        return groups;
    }

    private static String key(String category) {
        return category == null || category.isBlank() ? "" : category.trim();
    }
}
