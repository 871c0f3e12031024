package ai.factory.trainer.evaluation;

import java.util.Arrays;

/**
 * Log loss, accuracy and exact AUC of binary predictions, each judged by the label that came later. Keeps every pair
 * so AUC is exact (by rank); 3 million pairs take about 27 MB.
 */
public final class ProgressiveMetrics {

    private static final double EPS = 1e-15;

    private double[] scores = new double[1024];
    private boolean[] positives = new boolean[1024];
    private int count;
    private double logLossSum;
    private long correct;
    private long positiveCount;

    public void add(double score, double label) {
        if (count == scores.length) {
            scores = Arrays.copyOf(scores, count * 2);
            positives = Arrays.copyOf(positives, count * 2);
        }
        boolean positive = label >= 0.5;
        double p = Math.min(1 - EPS, Math.max(EPS, score));
        logLossSum -= positive ? Math.log(p) : Math.log(1 - p);
        if ((score >= 0.5) == positive) {
            correct++;
        }
        if (positive) {
            positiveCount++;
        }
        scores[count] = score;
        positives[count] = positive;
        count++;
    }

    public int count() {
        return count;
    }

    public double logLoss() {
        return count == 0 ? Double.NaN : logLossSum / count;
    }

    /**
     * Log loss of the best constant prediction for these labels (their base rate, known only in hindsight): the
     * baseline a learner must beat to have learned anything.
     */
    public double constantLogLoss() {
        if (count == 0) {
            return Double.NaN;
        }
        double p = (double) positiveCount / count;
        return p == 0 || p == 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    }

    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** Mann-Whitney U with tied scores sharing their mean rank; NaN when a class is missing. */
    public double auc() {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < count) {
            int j = i;
            while (j + 1 < count && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double meanRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positives[order[k]]) {
                    rankSum += meanRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = count - pos;
        return pos == 0 || neg == 0 ? Double.NaN : (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
