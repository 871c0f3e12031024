package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;

import ai.factory.records.DriftSignal;
import ai.factory.records.QualityReport;

/** Prequential metrics of the judged predictions of one window or pane: sums and sketches, never the pairs themselves. */
public final class WindowMetrics {

    private final double threshold;
    private long count;
    private double loglossSum;
    private long correct;
    private long latestLabelTime = Long.MIN_VALUE;
    private final BinnedAuc auc;
    private final CalibrationBins calibration;
    private final DelaySketch delays;

    private WindowMetrics(double threshold, BinnedAuc auc, CalibrationBins calibration, DelaySketch delays) {
        this.threshold = threshold;
        this.auc = auc;
        this.calibration = calibration;
        this.delays = delays;
    }

    public static WindowMetrics empty(QualitySettings settings) {
        return new WindowMetrics(settings.threshold(), new BinnedAuc(settings.aucBins()),
                new CalibrationBins(settings.calibrationBins()), new DelaySketch());
    }

    /** Judges one prediction by the label that arrived for it; returns its log loss. */
    public double add(double score, double label, long eventTime, long labelTime) {
        boolean positive = LogLoss.positive(label);
        double loss = LogLoss.of(score, label);
        count++;
        loglossSum += loss;
        if ((score >= threshold) == positive) {
            correct++;
        }
        auc.add(score, positive);
        calibration.add(score, positive);
        delays.add(labelTime - eventTime);
        latestLabelTime = Math.max(latestLabelTime, labelTime);
        return loss;
    }

    public long count() {
        return count;
    }

    /** The metrics of all of {@code panes} together (a sliding window made of its panes). */
    public static WindowMetrics merged(Iterable<WindowMetrics> panes, QualitySettings settings) {
        WindowMetrics m = empty(settings);
        for (WindowMetrics pane : panes) {
            m.count += pane.count;
            m.loglossSum += pane.loglossSum;
            m.correct += pane.correct;
            m.latestLabelTime = Math.max(m.latestLabelTime, pane.latestLabelTime);
            m.auc.addAll(pane.auc);
            m.calibration.addAll(pane.calibration);
            m.delays.addAll(pane.delays);
        }
        return m;
    }

    /** Label time of the latest judged prediction, or Long.MIN_VALUE when empty. */
    public long latestLabelTime() {
        return latestLabelTime;
    }

    /** The report of this window (counters and drift come from the caller). */
    public QualityReport report(String modelName, long modelVersion, String window, long windowEnd,
                                ModelCounters counters, DriftSignal drift) {
        var auc = this.auc.auc();
        return QualityReport.newBuilder()
                .setModelName(modelName).setModelVersion(modelVersion)
                .setWindow(window).setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setCount(count)
                .setLogloss(count == 0 ? 0.0 : loglossSum / count)
                .setAuc(auc.isPresent() ? auc.getAsDouble() : null)
                .setAucError(this.auc.errorBound())
                .setAccuracy(count == 0 ? 0.0 : (double) correct / count)
                .setThreshold(threshold)
                .setCalibration(calibration.bins())
                .setLabelDelayP50Ms(delays.quantile(0.5))
                .setLabelDelayP99Ms(delays.quantile(0.99))
                .setPending(counters.pending()).setExpired(counters.expired()).setLate(counters.late())
                .setDrift(drift)
                .build();
    }

    void write(DataOutput out) throws IOException {
        out.writeDouble(threshold);
        out.writeLong(count);
        out.writeDouble(loglossSum);
        out.writeLong(correct);
        out.writeLong(latestLabelTime);
        auc.write(out);
        calibration.write(out);
        delays.write(out);
    }

    static WindowMetrics read(DataInput in) throws IOException {
        double threshold = in.readDouble();
        long count = in.readLong();
        double loglossSum = in.readDouble();
        long correct = in.readLong();
        long latest = in.readLong();
        WindowMetrics m = new WindowMetrics(threshold, BinnedAuc.read(in), CalibrationBins.read(in), DelaySketch.read(in));
        m.count = count;
        m.loglossSum = loglossSum;
        m.correct = correct;
        m.latestLabelTime = latest;
        return m;
    }
}
