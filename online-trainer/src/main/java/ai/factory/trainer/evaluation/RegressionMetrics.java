package ai.factory.trainer.evaluation;

/**
 * RMSE and MAE of numeric predictions, each judged by the label that came later, next to the same errors of the
 * running mean (each label predicted by the mean of the labels before it): the baseline a regression learner must beat.
 * The first label only starts the running mean, so it is judged for neither. Constant memory.
 */
public final class RegressionMetrics {

    private long labels;
    private double labelSum;
    private long count;
    private double squaredError;
    private double absoluteError;
    private double baselineSquaredError;
    private double baselineAbsoluteError;

    public void add(double score, double label) {
        if (labels > 0) {
            double error = score - label;
            double baseline = labelSum / labels - label;
            squaredError += error * error;
            absoluteError += Math.abs(error);
            baselineSquaredError += baseline * baseline;
            baselineAbsoluteError += Math.abs(baseline);
            count++;
        }
        labels++;
        labelSum += label;
    }

    /** Judged pairs (every label but the first). */
    public long count() {
        return count;
    }

    public double rmse() {
        return count == 0 ? Double.NaN : Math.sqrt(squaredError / count);
    }

    public double mae() {
        return count == 0 ? Double.NaN : absoluteError / count;
    }

    /** RMSE of the running mean over the same labels. */
    public double runningMeanRmse() {
        return count == 0 ? Double.NaN : Math.sqrt(baselineSquaredError / count);
    }

    /** MAE of the running mean over the same labels. */
    public double runningMeanMae() {
        return count == 0 ? Double.NaN : baselineAbsoluteError / count;
    }
}
