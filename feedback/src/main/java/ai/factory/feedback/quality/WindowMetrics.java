package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

import ai.factory.records.DriftSignal;
import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;

/** Prequential metrics of the judged predictions of one window or pane: sums and sketches, never the pairs themselves. */
public final class WindowMetrics {

    private final QualityTask task;
    private final double threshold;
    private long count;
    private double loglossSum;
    private long correct;
    /** Binary: labels clipped to [0, 1] as log loss sees them, for the base rate. Regression: the labels. */
    private double labelSum;
    private long latestLabelTime = Long.MIN_VALUE;
    // The binary sketches exist for regression windows too (they stay empty), so merging never asks which task.
    private final BinnedAuc auc;
    private final CalibrationBins calibration;
    private final DelaySketch delays;
    private final RegressionErrors errors;

    private WindowMetrics(QualityTask task, double threshold, BinnedAuc auc, CalibrationBins calibration,
                          DelaySketch delays, RegressionErrors errors) {
        this.task = task;
        this.threshold = threshold;
        this.auc = auc;
        this.calibration = calibration;
        this.delays = delays;
        this.errors = errors;
    }

    /** An empty binary window. */
    public static WindowMetrics empty(QualitySettings settings) {
        return empty(QualityTask.BINARY, settings);
    }

    public static WindowMetrics empty(QualityTask task, QualitySettings settings) {
        return new WindowMetrics(task, settings.threshold(), new BinnedAuc(settings.aucBins()),
                new CalibrationBins(settings.calibrationBins()), new DelaySketch(), new RegressionErrors());
    }

    public QualityTask task() {
        return task;
    }

    /** Judges one binary prediction by the label that arrived for it; returns its log loss. */
    public double add(double score, double label, long eventTime, long labelTime) {
        requireTask(QualityTask.BINARY);
        boolean positive = LogLoss.positive(label);
        double loss = LogLoss.of(score, label);
        count++;
        loglossSum += loss;
        labelSum += Math.min(1, Math.max(0, label));
        if ((score >= threshold) == positive) {
            correct++;
        }
        auc.add(score, positive);
        calibration.add(score, positive);
        addDelay(eventTime, labelTime);
        return loss;
    }

    /**
     * Judges one regression prediction; {@code baseline} is the running mean's prediction of the same label, empty for
     * a version's first label, which then counts in {@link #count()} and the delays but in no error sum (so the
     * model and the baseline are always judged on the same pairs). Returns the absolute error.
     */
    public double addRegression(double score, double label, OptionalDouble baseline, long eventTime, long labelTime) {
        requireTask(QualityTask.REGRESSION);
        count++;
        labelSum += label;
        double error = score - label;
        if (baseline.isPresent()) {
            errors.add(error, baseline.getAsDouble() - label);
        }
        addDelay(eventTime, labelTime);
        return Math.abs(error);
    }

    private void addDelay(long eventTime, long labelTime) {
        delays.add(labelTime - eventTime);
        latestLabelTime = Math.max(latestLabelTime, labelTime);
    }

    private void requireTask(QualityTask expected) {
        if (task != expected) {
            throw new IllegalStateException("a " + task + " window cannot judge a " + expected + " prediction");
        }
    }

    public long count() {
        return count;
    }

    /** The metrics of all of {@code panes} together (a sliding window made of its panes), all of one task. */
    public static WindowMetrics merged(Iterable<WindowMetrics> panes, QualityTask task, QualitySettings settings) {
        WindowMetrics m = empty(task, settings);
        for (WindowMetrics pane : panes) {
            if (pane.task != task) {
                throw new IllegalArgumentException("cannot merge a " + pane.task + " pane into a " + task + " window");
            }
            m.count += pane.count;
            m.loglossSum += pane.loglossSum;
            m.correct += pane.correct;
            m.labelSum += pane.labelSum;
            m.latestLabelTime = Math.max(m.latestLabelTime, pane.latestLabelTime);
            m.auc.addAll(pane.auc);
            m.calibration.addAll(pane.calibration);
            m.delays.addAll(pane.delays);
            m.errors.addAll(pane.errors);
        }
        return m;
    }

    /** Binary panes merged (see {@link #merged(Iterable, QualityTask, QualitySettings)}). */
    public static WindowMetrics merged(Iterable<WindowMetrics> panes, QualitySettings settings) {
        return merged(panes, QualityTask.BINARY, settings);
    }

    /** Label time of the latest judged prediction, or Long.MIN_VALUE when empty. */
    public long latestLabelTime() {
        return latestLabelTime;
    }

    /** The report of this window (counters and drift come from the caller). */
    public QualityReport report(String modelName, long modelVersion, String window, long windowEnd,
                                ModelCounters counters, DriftSignal drift) {
        QualityReport.Builder report = QualityReport.newBuilder()
                .setModelName(modelName).setModelVersion(modelVersion)
                .setWindow(window).setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setTask(task)
                .setCount(count)
                .setThreshold(threshold)
                .setLabelDelayP50Ms(delays.quantile(0.5))
                .setLabelDelayP99Ms(delays.quantile(0.99))
                .setPending(counters.pending()).setExpired(counters.expired()).setLate(counters.late())
                .setDrift(drift);
        return task == QualityTask.BINARY ? binary(report).build() : regression(report).build();
    }

    private QualityReport.Builder binary(QualityReport.Builder report) {
        var auc = auc();
        return report
                .setLogloss(count == 0 ? 0.0 : logLoss())
                .setBaselineLogloss(count == 0 ? null : baseRateLogLoss())
                .setAuc(auc.isPresent() ? auc.getAsDouble() : null)
                .setAucError(aucError())
                .setAccuracy(count == 0 ? 0.0 : accuracy())
                .setCalibration(calibration.bins());
    }

    /** Mean log loss of the judged binary predictions; NaN when empty. */
    public double logLoss() {
        return count == 0 ? Double.NaN : loglossSum / count;
    }

    /** The base rate of these very labels: what a model that learned nothing but the label mean would score; NaN when empty. */
    public double baseRateLogLoss() {
        return count == 0 ? Double.NaN : LogLoss.of(labelSum / count, labelSum / count);
    }

    /** Share of binary predictions on the right side of the threshold; NaN when empty. */
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** The streaming AUC, or empty while one class has no examples. */
    public OptionalDouble auc() {
        return auc.auc();
    }

    /** Upper bound of the distance of {@link #auc()} to the exact AUC over the same pairs. */
    public double aucError() {
        return auc.errorBound();
    }

    private QualityReport.Builder regression(QualityReport.Builder report) {
        return report
                .setLogloss(null).setAccuracy(null).setAuc(null).setAucError(0.0).setCalibration(List.of())
                .setRmse(errors.rmse()).setMae(errors.mae())
                .setBaselineRmse(errors.baselineRmse()).setBaselineMae(errors.baselineMae())
                .setRegressionCount(errors.count());
    }

    void write(DataOutput out) throws IOException {
        out.writeByte(task.ordinal());
        out.writeDouble(threshold);
        out.writeLong(count);
        out.writeDouble(loglossSum);
        out.writeLong(correct);
        out.writeDouble(labelSum);
        out.writeLong(latestLabelTime);
        auc.write(out);
        calibration.write(out);
        delays.write(out);
        errors.write(out);
    }

    static WindowMetrics read(DataInput in) throws IOException {
        QualityTask task = task(in.readByte());
        double threshold = in.readDouble();
        long count = in.readLong();
        double loglossSum = in.readDouble();
        long correct = in.readLong();
        double labelSum = in.readDouble();
        long latest = in.readLong();
        WindowMetrics m = new WindowMetrics(task, threshold, BinnedAuc.read(in), CalibrationBins.read(in),
                DelaySketch.read(in), RegressionErrors.read(in));
        m.count = count;
        m.loglossSum = loglossSum;
        m.correct = correct;
        m.labelSum = labelSum;
        m.latestLabelTime = latest;
        return m;
    }

    static QualityTask task(int ordinal) throws IOException {
        QualityTask[] tasks = QualityTask.values();
        if (ordinal < 0 || ordinal >= tasks.length) {
            throw new IOException("unknown quality task " + ordinal);
        }
        return tasks[ordinal];
    }
}
