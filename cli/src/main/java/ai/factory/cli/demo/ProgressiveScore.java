package ai.factory.cli.demo;

import java.util.Arrays;

/**
 * Progressive (prequential) quality of binary predictions: each score is judged by the label that later arrived for
 * it. Keeps every pair so AUC is exact (by rank), not approximated; 3 million pairs take about 27 MB.
 */
final class ProgressiveScore {

    private static final double EPS = 1e-15;

    private double[] scores = new double[1024];
    private boolean[] labels = new boolean[1024];
    private int count;
    private double logLossSum;
    private long correct;
    private long positives;

    void add(double score, double label) {
        if (count == scores.length) {
            scores = Arrays.copyOf(scores, count * 2);
            labels = Arrays.copyOf(labels, count * 2);
        }
        boolean positive = label >= 0.5;
        double p = Math.min(1 - EPS, Math.max(EPS, score));
        logLossSum -= positive ? Math.log(p) : Math.log(1 - p);
        if ((score >= 0.5) == positive) {
            correct++;
        }
        if (positive) {
            positives++;
        }
        scores[count] = score;
        labels[count] = positive;
        count++;
    }

    int count() {
        return count;
    }

    double logLoss() {
        return count == 0 ? Double.NaN : logLossSum / count;
    }

    /**
     * Log loss of the best constant prediction for these labels (their base rate, known only in hindsight): the
     * baseline a learner must beat to have learned anything.
     */
    double constantLogLoss() {
        if (count == 0) {
            return Double.NaN;
        }
        double p = (double) positives / count;
        return p == 0 || p == 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    }

    double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** Exact ROC AUC (Mann-Whitney U with tied scores sharing their mean rank); NaN when a class is missing. */
    double auc() {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < count) {
            int j = i;
            while (j + 1 < count && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double meanRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    positiveRankSum += meanRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = count - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
