package ai.factory.trainer.governance;

/**
 * Running count, mean and variance (Welford) of per-event loss differences; what {@link ConfidenceSequence} needs.
 * Constant memory whatever the number of events.
 */
public final class PairedDifferences {

    private long count;
    private double mean;
    private double squares;

    /** Adds one difference; non-finite ones are ignored. */
    public void add(double difference) {
        if (!Double.isFinite(difference)) {
            return;
        }
        count++;
        double delta = difference - mean;
        mean += delta / count;
        squares += delta * (difference - mean);
    }

    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    /** Sample variance (n − 1); 0 below two differences. */
    public double variance() {
        return count < 2 ? 0 : squares / (count - 1);
    }

    /** Forgets every difference. */
    public void clear() {
        count = 0;
        mean = 0;
        squares = 0;
    }
}
