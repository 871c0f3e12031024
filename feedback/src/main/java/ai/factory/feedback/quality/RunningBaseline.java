package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.OptionalDouble;

/**
 * The regression baseline of one model version, prequentially: each label is predicted by the mean of all the
 * version's earlier labels (in the order they were judged), and only then joins that mean. The first label has no
 * earlier mean, so it has no baseline.
 */
final class RunningBaseline {

    private long labels;
    private double labelSum;
    private long judged;
    private double absErrorSum;

    /** The mean of the labels so far, or empty before the first. */
    OptionalDouble prediction() {
        return labels == 0 ? OptionalDouble.empty() : OptionalDouble.of(labelSum / labels);
    }

    /**
     * Mean absolute error of the baseline so far, or 0 before it has erred: the label scale that makes the model's
     * errors unit-free for the drift detector.
     */
    double meanAbsError() {
        return judged == 0 ? 0 : absErrorSum / judged;
    }

    /** Adds {@code label} after it was judged; {@code baselineError} is what the baseline missed it by, if it had one. */
    void add(double label, OptionalDouble baselineError) {
        if (baselineError.isPresent()) {
            judged++;
            absErrorSum += Math.abs(baselineError.getAsDouble());
        }
        labels++;
        labelSum += label;
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(labels);
        out.writeDouble(labelSum);
        out.writeLong(judged);
        out.writeDouble(absErrorSum);
    }

    static RunningBaseline read(DataInput in) throws IOException {
        RunningBaseline b = new RunningBaseline();
        b.labels = in.readLong();
        b.labelSum = in.readDouble();
        b.judged = in.readLong();
        b.absErrorSum = in.readDouble();
        return b;
    }
}
