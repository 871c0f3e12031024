package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.OptionalDouble;

/**
 * Streaming area under the ROC curve from per-class score histograms over [0, 1].
 *
 * <p>Pairs whose scores fall into different bins are ordered exactly; pairs in the same bin count as
 * ties (one half). Only those same-bin pairs can be wrong, by at most one half each, so
 * {@link #errorBound()} = ½·Σ pos(b)·neg(b) / (P·N) bounds the distance to the exact AUC over the same
 * pairs. Memory is fixed (two counters per bin), whatever the number of pairs.
 */
public final class BinnedAuc {

    private final long[] positives;
    private final long[] negatives;

    public BinnedAuc(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be positive");
        }
        positives = new long[bins];
        negatives = new long[bins];
    }

    public int bins() {
        return positives.length;
    }

    /** Counts one scored example; scores outside [0, 1] fall into the edge bins. */
    public void add(double score, boolean positive) {
        int bin = bin(score, positives.length);
        if (positive) {
            positives[bin]++;
        } else {
            negatives[bin]++;
        }
    }

    /** Adds the counts of {@code other} (same number of bins): the AUC of both sets of examples together. */
    void addAll(BinnedAuc other) {
        requireSameBins(positives.length, other.positives.length);
        for (int b = 0; b < positives.length; b++) {
            positives[b] += other.positives[b];
            negatives[b] += other.negatives[b];
        }
    }

    static void requireSameBins(int mine, int theirs) {
        if (mine != theirs) {
            throw new IllegalArgumentException("cannot merge " + theirs + " bins into " + mine);
        }
    }

    /** The approximate AUC, or empty while one class has no examples. */
    public OptionalDouble auc() {
        long p = sum(positives);
        long n = sum(negatives);
        if (p == 0 || n == 0) {
            return OptionalDouble.empty();
        }
        double wins = 0;
        long negativesBelow = 0;
        for (int b = 0; b < positives.length; b++) {
            wins += positives[b] * (negativesBelow + 0.5 * negatives[b]);
            negativesBelow += negatives[b];
        }
        return OptionalDouble.of(wins / ((double) p * n));
    }

    /** Upper bound of |auc() - exact AUC| over the same examples; 0 while AUC is undefined. */
    public double errorBound() {
        long p = sum(positives);
        long n = sum(negatives);
        if (p == 0 || n == 0) {
            return 0.0;
        }
        double sameBin = 0;
        for (int b = 0; b < positives.length; b++) {
            sameBin += (double) positives[b] * negatives[b];
        }
        return 0.5 * sameBin / ((double) p * n);
    }

    static int bin(double score, int bins) {
        if (!(score > 0)) {
            return 0;
        }
        return (int) Math.min(bins - 1, Math.floor(score * bins));
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(positives.length);
        SparseCounts.write(out, positives);
        SparseCounts.write(out, negatives);
    }

    static BinnedAuc read(DataInput in) throws IOException {
        BinnedAuc auc = new BinnedAuc(in.readInt());
        SparseCounts.read(in, auc.positives);
        SparseCounts.read(in, auc.negatives);
        return auc;
    }

    private static long sum(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }
}
