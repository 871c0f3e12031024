package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Quantiles of label delays from a log-bucketed histogram: bucket edges grow by 2 %, so a reported
 * quantile is at most 2 % (plus 1 ms of rounding) above the true value, in fixed memory.
 */
public final class DelaySketch {

    static final double GROWTH = 1.02;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    /** Enough buckets for delays up to about 30 years in milliseconds. */
    private static final int BUCKETS = 1 + (int) Math.ceil(Math.log(1e12) / LOG_GROWTH);

    private final long[] counts = new long[BUCKETS];
    private long total;

    /** Records one delay; negative delays (clock skew) count as zero. */
    public void add(long delayMs) {
        counts[bucket(delayMs)]++;
        total++;
    }

    public long count() {
        return total;
    }

    /** Adds the delays of {@code other}. */
    public void addAll(DelaySketch other) {
        for (int b = 0; b < counts.length; b++) {
            counts[b] += other.counts[b];
        }
        total += other.total;
    }

    /** The {@code q} quantile (0 &lt; q &le; 1) as the upper edge of its bucket, or 0 when empty. */
    public long quantile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return upperEdge(b);
            }
        }
        return upperEdge(counts.length - 1);
    }

    static int bucket(long delayMs) {
        if (delayMs <= 0) {
            return 0;
        }
        // Bucket b >= 1 holds (GROWTH^(b-1), GROWTH^b].
        int b = 1 + (int) Math.floor(Math.log(delayMs) / LOG_GROWTH);
        return Math.min(b, BUCKETS - 1);
    }

    static long upperEdge(int bucket) {
        return bucket == 0 ? 0 : (long) Math.ceil(Math.pow(GROWTH, bucket));
    }

    void write(DataOutput out) throws IOException {
        SparseCounts.write(out, counts);
    }

    static DelaySketch read(DataInput in) throws IOException {
        DelaySketch sketch = new DelaySketch();
        SparseCounts.read(in, sketch.counts);
        for (long c : sketch.counts) {
            sketch.total += c;
        }
        return sketch;
    }
}
