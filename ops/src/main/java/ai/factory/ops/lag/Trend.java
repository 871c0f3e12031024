package ai.factory.ops.lag;

import java.util.List;

import ai.factory.ops.status.Observation;

/**
 * Rates over a window of samples and the time to catch up they imply.
 *
 * @param consumeRate     committed records per second
 * @param produceRate     records per second arriving at the readable end of the log
 * @param lagSlope        least-squares slope of the lag, records per second (negative: shrinking)
 * @param catchUpSeconds  lag divided by how much faster the consumer goes than the producer; 0 when caught up,
 *                        null when it does not gain at current rates
 */
public record Trend(double consumeRate, double produceRate, double lagSlope, Double catchUpSeconds) {

    /** No movement known yet. */
    public static final Trend NONE = new Trend(0, 0, 0, null);

    /** The trend of a window of observations, oldest first. */
    public static Trend of(List<Observation> window) {
        List<Observation> ok = window.stream().filter(o -> o.error() == null).toList();
        if (ok.isEmpty()) {
            return NONE;
        }
        Observation last = ok.get(ok.size() - 1);
        if (ok.size() < 2) {
            return new Trend(0, 0, 0, last.lag() == 0 ? 0.0 : null);
        }
        Observation first = ok.get(0);
        double seconds = (last.timeMs() - first.timeMs()) / 1000.0;
        if (seconds <= 0) {
            return new Trend(0, 0, 0, last.lag() == 0 ? 0.0 : null);
        }
        double consume = Math.max(0, last.committed() - first.committed()) / seconds;
        double produce = Math.max(0, last.end() - first.end()) / seconds;
        return new Trend(consume, produce, slope(ok), catchUp(last.lag(), consume - produce));
    }

    /** The trend of several partitions read together (a group): rates add up, the slowest catch-up counts. */
    public static Trend combine(List<Trend> parts, long totalLag) {
        double consume = 0;
        double produce = 0;
        double slope = 0;
        Double catchUp = 0.0;
        for (Trend t : parts) {
            consume += t.consumeRate;
            produce += t.produceRate;
            slope += t.lagSlope;
            if (t.catchUpSeconds == null || catchUp == null) {
                catchUp = null;
            } else {
                catchUp = Math.max(catchUp, t.catchUpSeconds);
            }
        }
        if (totalLag == 0) {
            catchUp = 0.0;
        }
        return new Trend(consume, produce, slope, catchUp);
    }

    private static Double catchUp(long lag, double netRate) {
        if (lag == 0) {
            return 0.0;
        }
        return netRate > 0 ? lag / netRate : null;
    }

    private static double slope(List<Observation> window) {
        double t0 = window.get(0).timeMs();
        double n = window.size();
        double sumT = 0;
        double sumL = 0;
        double sumTT = 0;
        double sumTL = 0;
        for (Observation o : window) {
            double t = (o.timeMs() - t0) / 1000.0;
            sumT += t;
            sumL += o.lag();
            sumTT += t * t;
            sumTL += t * o.lag();
        }
        double denominator = n * sumTT - sumT * sumT;
        return denominator == 0 ? 0 : (n * sumTL - sumT * sumL) / denominator;
    }
}
