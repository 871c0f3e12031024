package ai.factory.feedback.quality;

import java.time.Duration;
import java.util.Objects;

import ai.factory.options.DurationConverter;
import ai.factory.records.QualityTask;

/**
 * How online quality is measured.
 *
 * @param countWindow     judged predictions per count window (a report every so many)
 * @param timeWindow      length of the event-time windows (by label time), aligned to the epoch
 * @param threshold       score at or above which a prediction counts as positive for accuracy
 * @param aucBins         score bins of the streaming AUC (more bins, smaller error bound)
 * @param calibrationBins equal-width score bins of the calibration table
 * @param driftDelta      Page-Hinkley tolerance: loss changes smaller than this per example are ignored
 * @param driftLambda     Page-Hinkley alarm threshold on the cumulative deviation
 * @param driftMinSamples examples the detector sees before it may fire
 * @param panes           windows slide: one is reported every 1/panes of its length, over the last full length
 *                        (1 = tumbling windows, each prediction in one report)
 * @param tasks           binary or regression, per model name
 */
public record QualitySettings(int countWindow, Duration timeWindow, double threshold, int aucBins, int calibrationBins,
                              double driftDelta, double driftLambda, int driftMinSamples, int panes, QualityTasks tasks) {

    // The defaults, each written once: the feedback command's defaults are these.
    public static final int DEFAULT_COUNT_WINDOW = 1000;
    public static final String DEFAULT_TIME_WINDOW_TEXT = "1h";
    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final int DEFAULT_AUC_BINS = 1000;
    public static final int DEFAULT_CALIBRATION_BINS = 10;
    public static final double DEFAULT_DRIFT_DELTA = 0.05;
    public static final double DEFAULT_DRIFT_LAMBDA = 50.0;
    public static final int DEFAULT_DRIFT_MIN_SAMPLES = 30;
    public static final int DEFAULT_PANES = 4;

    public QualitySettings {
        Objects.requireNonNull(tasks, "tasks");
        if (countWindow < 1 || aucBins < 1 || calibrationBins < 1 || driftMinSamples < 0) {
            throw new IllegalArgumentException("count window and bins must be positive");
        }
        if (timeWindow.isNegative() || timeWindow.isZero()) {
            throw new IllegalArgumentException("time window must be positive");
        }
        if (panes < 1 || countWindow % panes != 0 || timeWindow.toMillis() % panes != 0) {
            throw new IllegalArgumentException("panes must be positive and divide the count window (" + countWindow
                    + ") and the time window (" + timeWindow + ") evenly, was " + panes);
        }
    }

    /** Settings that judge every model as binary. */
    public QualitySettings(int countWindow, Duration timeWindow, double threshold, int aucBins, int calibrationBins,
                           double driftDelta, double driftLambda, int driftMinSamples, int panes) {
        this(countWindow, timeWindow, threshold, aucBins, calibrationBins, driftDelta, driftLambda, driftMinSamples,
                panes, QualityTasks.binary());
    }

    /** The task {@code model} is judged as. */
    public QualityTask task(String model) {
        return tasks.of(model);
    }

    /** Judged predictions between two count-window reports. */
    public int countHop() {
        return countWindow / panes;
    }

    /** Label time between two time-window reports, in milliseconds. */
    public long timeHopMillis() {
        return timeWindow.toMillis() / panes;
    }

    /**
     * Windows of the last 1000 judged predictions and the last hour, reported every 250 and every 15 minutes; 1000 AUC
     * bins; drift on a 0.05 / 50 Page-Hinkley test.
     */
    public static QualitySettings defaults() {
        return new QualitySettings(DEFAULT_COUNT_WINDOW, DurationConverter.parse(DEFAULT_TIME_WINDOW_TEXT), DEFAULT_THRESHOLD,
                DEFAULT_AUC_BINS, DEFAULT_CALIBRATION_BINS, DEFAULT_DRIFT_DELTA, DEFAULT_DRIFT_LAMBDA,
                DEFAULT_DRIFT_MIN_SAMPLES, DEFAULT_PANES, QualityTasks.binary());
    }

    public QualitySettings withAucBins(int bins) {
        return new QualitySettings(countWindow, timeWindow, threshold, bins, calibrationBins, driftDelta, driftLambda,
                driftMinSamples, panes, tasks);
    }

    public QualitySettings withCountWindow(int n) {
        return new QualitySettings(n, timeWindow, threshold, aucBins, calibrationBins, driftDelta, driftLambda, driftMinSamples, panes, tasks);
    }

    public QualitySettings withTimeWindow(Duration d) {
        return new QualitySettings(countWindow, d, threshold, aucBins, calibrationBins, driftDelta, driftLambda, driftMinSamples, panes, tasks);
    }

    public QualitySettings withDrift(double delta, double lambda, int minSamples) {
        return new QualitySettings(countWindow, timeWindow, threshold, aucBins, calibrationBins, delta, lambda, minSamples, panes, tasks);
    }

    public QualitySettings withPanes(int n) {
        return new QualitySettings(countWindow, timeWindow, threshold, aucBins, calibrationBins, driftDelta, driftLambda,
                driftMinSamples, n, tasks);
    }

    public QualitySettings withTasks(QualityTasks t) {
        return new QualitySettings(countWindow, timeWindow, threshold, aucBins, calibrationBins, driftDelta, driftLambda,
                driftMinSamples, panes, t);
    }
}
