package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import ai.factory.records.CalibrationBin;

/** Predicted against observed rate in equal-width score bins over [0, 1]. */
public final class CalibrationBins {

    private final long[] counts;
    private final double[] scoreSums;
    private final double[] positives;

    public CalibrationBins(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be positive");
        }
        counts = new long[bins];
        scoreSums = new double[bins];
        positives = new double[bins];
    }

    public void add(double score, boolean positive) {
        int b = BinnedAuc.bin(score, counts.length);
        counts[b]++;
        scoreSums[b] += score;
        if (positive) {
            positives[b]++;
        }
    }

    /** Adds the bins of {@code other} (same number of bins). */
    void addAll(CalibrationBins other) {
        BinnedAuc.requireSameBins(counts.length, other.counts.length);
        for (int b = 0; b < counts.length; b++) {
            counts[b] += other.counts[b];
            scoreSums[b] += other.scoreSums[b];
            positives[b] += other.positives[b];
        }
    }

    /** The non-empty bins, lowest first. */
    public List<CalibrationBin> bins() {
        List<CalibrationBin> bins = new ArrayList<>();
        int n = counts.length;
        for (int b = 0; b < n; b++) {
            if (counts[b] > 0) {
                bins.add(new CalibrationBin((double) b / n, (double) (b + 1) / n, counts[b],
                        scoreSums[b] / counts[b], positives[b] / counts[b]));
            }
        }
        return bins;
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(counts.length);
        for (int b = 0; b < counts.length; b++) {
            out.writeLong(counts[b]);
            out.writeDouble(scoreSums[b]);
            out.writeDouble(positives[b]);
        }
    }

    static CalibrationBins read(DataInput in) throws IOException {
        CalibrationBins bins = new CalibrationBins(in.readInt());
        for (int b = 0; b < bins.counts.length; b++) {
            bins.counts[b] = in.readLong();
            bins.scoreSums[b] = in.readDouble();
            bins.positives[b] = in.readDouble();
        }
        return bins;
    }
}
