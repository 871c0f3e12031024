package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Error sums of regression predictions and of the running-mean baseline over the same pairs; sums add up, so the
 * errors of a window are exactly those of its panes together.
 */
final class RegressionErrors {

    private long count;
    private double squaredSum;
    private double absSum;
    private double baselineSquaredSum;
    private double baselineAbsSum;

    /** Adds one pair: the model's error (score − label) and the baseline's (earlier labels' mean − label). */
    void add(double error, double baselineError) {
        count++;
        squaredSum += error * error;
        absSum += Math.abs(error);
        baselineSquaredSum += baselineError * baselineError;
        baselineAbsSum += Math.abs(baselineError);
    }

    void addAll(RegressionErrors other) {
        count += other.count;
        squaredSum += other.squaredSum;
        absSum += other.absSum;
        baselineSquaredSum += other.baselineSquaredSum;
        baselineAbsSum += other.baselineAbsSum;
    }

    long count() {
        return count;
    }

    /** The metrics, or null while there is no pair (a mean of nothing is not 0). */
    Double rmse() {
        return count == 0 ? null : Math.sqrt(squaredSum / count);
    }

    Double mae() {
        return count == 0 ? null : absSum / count;
    }

    Double baselineRmse() {
        return count == 0 ? null : Math.sqrt(baselineSquaredSum / count);
    }

    Double baselineMae() {
        return count == 0 ? null : baselineAbsSum / count;
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(count);
        out.writeDouble(squaredSum);
        out.writeDouble(absSum);
        out.writeDouble(baselineSquaredSum);
        out.writeDouble(baselineAbsSum);
    }

    static RegressionErrors read(DataInput in) throws IOException {
        RegressionErrors e = new RegressionErrors();
        e.count = in.readLong();
        e.squaredSum = in.readDouble();
        e.absSum = in.readDouble();
        e.baselineSquaredSum = in.readDouble();
        e.baselineAbsSum = in.readDouble();
        return e;
    }
}
