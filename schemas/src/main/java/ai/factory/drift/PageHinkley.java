package ai.factory.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Optional;

/**
 * Two-sided Page-Hinkley test on a stream of values (here: each prediction's log loss).
 *
 * <p>It accumulates the deviations of each value from the running mean, less a tolerance {@code delta};
 * when the accumulated rise (or fall) above its lowest point exceeds {@code lambda}, the mean has
 * shifted. After an abrupt shift of size s &gt; delta, the statistic grows by about s − delta per value,
 * so detection takes about lambda / (s − delta) values. The detector restarts after every alarm.
 */
public final class PageHinkley {

    /** Detector name of a rise in the mean (loss got worse). */
    public static final String UP = "page-hinkley:up";
    /** Detector name of a fall in the mean (loss got better, or labels changed in the model's favour). */
    public static final String DOWN = "page-hinkley:down";

    private final double delta;
    private final double lambda;
    private final int minSamples;
    private long seen;
    private long sinceReset;
    private double mean;
    private double upSum;
    private double upMin;
    private double downSum;
    private double downMin;

    public PageHinkley(double delta, double lambda, int minSamples) {
        if (delta < 0 || lambda <= 0) {
            throw new IllegalArgumentException("delta must be >= 0 and lambda > 0");
        }
        this.delta = delta;
        this.lambda = lambda;
        this.minSamples = minSamples;
    }

    /** A change the detector found. */
    public record Alarm(String detector, double statistic, long seen) {
    }

    /** Adds one value; returns an alarm when the mean has shifted. Non-finite values are ignored. */
    public Optional<Alarm> add(double value) {
        if (!Double.isFinite(value)) {
            return Optional.empty();
        }
        seen++;
        sinceReset++;
        mean += (value - mean) / sinceReset;
        upSum += value - mean - delta;
        upMin = Math.min(upMin, upSum);
        downSum += mean - value - delta;
        downMin = Math.min(downMin, downSum);
        if (sinceReset < minSamples) {
            return Optional.empty();
        }
        double up = upSum - upMin;
        double down = downSum - downMin;
        if (up > lambda || down > lambda) {
            Alarm alarm = up >= down ? new Alarm(UP, up, seen) : new Alarm(DOWN, down, seen);
            reset();
            return Optional.of(alarm);
        }
        return Optional.empty();
    }

    /** Values seen since the detector was created. */
    public long seen() {
        return seen;
    }

    private void reset() {
        sinceReset = 0;
        mean = 0;
        upSum = 0;
        upMin = 0;
        downSum = 0;
        downMin = 0;
    }

    /** Writes the detector's state (settings included), for a state store. */
    public void write(DataOutput out) throws IOException {
        out.writeDouble(delta);
        out.writeDouble(lambda);
        out.writeInt(minSamples);
        out.writeLong(seen);
        out.writeLong(sinceReset);
        out.writeDouble(mean);
        out.writeDouble(upSum);
        out.writeDouble(upMin);
        out.writeDouble(downSum);
        out.writeDouble(downMin);
    }

    /** Reads what {@link #write} wrote. */
    public static PageHinkley read(DataInput in) throws IOException {
        PageHinkley d = new PageHinkley(in.readDouble(), in.readDouble(), in.readInt());
        d.seen = in.readLong();
        d.sinceReset = in.readLong();
        d.mean = in.readDouble();
        d.upSum = in.readDouble();
        d.upMin = in.readDouble();
        d.downSum = in.readDouble();
        d.downMin = in.readDouble();
        return d;
    }
}
