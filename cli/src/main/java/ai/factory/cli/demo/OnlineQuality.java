package ai.factory.cli.demo;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import ai.factory.feedback.quality.QualitySettings;
import ai.factory.feedback.quality.WindowMetrics;
import ai.factory.records.QualityTask;
import ai.factory.trainer.evaluation.RegressionMetrics;

/**
 * The online (progressive) quality of served predictions as their labels come: over the whole run, per month of
 * event time (UTC), and as a learning curve. Binary predictions are judged by the feedback app's own
 * {@link WindowMetrics} (streaming AUC with an error bound), regression ones against the running mean; memory is
 * fixed per month, whatever the length of the run.
 */
final class OnlineQuality {

    /** Fine bins: the AUC of a whole run is reported to about 1e-4. */
    private static final QualitySettings SETTINGS = QualitySettings.defaults().withAucBins(20_000);

    private final boolean regression;
    private final Judge overall;
    private final Map<YearMonth, Judge> byMonth = new TreeMap<>();
    private final LearningCurve curve = new LearningCurve(1_000, 400);

    OnlineQuality(boolean regression) {
        this.regression = regression;
        this.overall = new Judge(regression);
    }

    void add(double score, double label, long eventTime, long labelTime) {
        double loss = overall.add(score, label, eventTime, labelTime);
        byMonth.computeIfAbsent(YearMonth.from(Instant.ofEpochMilli(eventTime).atZone(ZoneOffset.UTC)), m -> new Judge(regression))
                .add(score, label, eventTime, labelTime);
        curve.add(loss);
    }

    Figures overall() {
        return overall.figures();
    }

    /** Figures per month of event time, oldest first. */
    Map<YearMonth, Figures> byMonth() {
        Map<YearMonth, Figures> out = new LinkedHashMap<>();
        byMonth.forEach((month, judge) -> out.put(month, judge.figures()));
        return out;
    }

    /** Rolling log loss (binary) or squared error (regression; its root is the RMSE) against examples judged. */
    LearningCurve curve() {
        return curve;
    }

    /**
     * Online figures of a set of judged predictions. Binary: log loss, that of the constant base rate of the same
     * labels, AUC (within {@code aucError}) and accuracy. Regression: RMSE and MAE, and those of the running mean.
     * The other task's figures are NaN.
     */
    record Figures(long judged, double logLoss, double constantLogLoss, double auc, double aucError, double accuracy,
                   double rmse, double mae, double runningMeanRmse, double runningMeanMae) {
    }

    /** One task's metrics: the feedback app's window metrics for binary predictions, running-mean errors for regression. */
    private static final class Judge {
        private final WindowMetrics binary;
        private final RegressionMetrics numeric;

        Judge(boolean regression) {
            this.binary = regression ? null : WindowMetrics.empty(QualityTask.BINARY, SETTINGS);
            this.numeric = regression ? new RegressionMetrics() : null;
        }

        /** Returns the loss of this prediction: log loss, or squared error. */
        double add(double score, double label, long eventTime, long labelTime) {
            if (binary != null) {
                return binary.add(score, label, eventTime, labelTime);
            }
            numeric.add(score, label);
            return (score - label) * (score - label);
        }

        Figures figures() {
            if (binary != null) {
                return new Figures(binary.count(), binary.logLoss(), binary.baseRateLogLoss(),
                        binary.auc().orElse(Double.NaN), binary.aucError(), binary.accuracy(),
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Figures(numeric.count(), Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN,
                    numeric.rmse(), numeric.mae(), numeric.runningMeanRmse(), numeric.runningMeanMae());
        }
    }
}
