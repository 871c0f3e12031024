package ai.factory.feedback.shadow;

import java.time.Instant;

import ai.factory.feedback.quality.LogLoss;
import ai.factory.records.PairedQuality;
import ai.factory.records.QualityTask;

/**
 * The running tally of one version pair: both mean losses and the mean and variance of the per-event difference
 * (challenger minus champion), updated one event at a time with Welford's method so the variance stays accurate
 * however many events come. Immutable: {@link #add} returns the next tally.
 *
 * @param count          paired events
 * @param championMean   mean champion loss
 * @param challengerMean mean challenger loss
 * @param differenceMean mean of challenger loss minus champion loss
 * @param differenceM2   sum of squared deviations of the differences from their mean
 * @param lastEventTime  newest event time seen (epoch ms)
 */
public record PairedLosses(String modelName, long challengerVersion, long championVersion, QualityTask task,
                           long count, double championMean, double challengerMean, double differenceMean,
                           double differenceM2, long lastEventTime) {

    /** Loss names on the report. */
    public static final String LOG_LOSS = "log_loss";
    public static final String SQUARED_ERROR = "squared_error";

    /** The tally of no event yet. */
    public static PairedLosses empty() {
        return new PairedLosses("", 0, 0, QualityTask.BINARY, 0, 0, 0, 0, 0, Long.MIN_VALUE);
    }

    /** The loss of one score: log loss for a binary model, squared error for a regression model. */
    public static double loss(QualityTask task, double score, double label) {
        if (task == QualityTask.REGRESSION) {
            double error = score - label;
            return error * error;
        }
        return LogLoss.of(score, label);
    }

    /** This tally with one more paired event, judged as {@code task}. */
    public PairedLosses add(PairedOutcome outcome, QualityTask task) {
        double champion = loss(task, outcome.championScore(), outcome.label());
        double challenger = loss(task, outcome.challengerScore(), outcome.label());
        double difference = challenger - champion;
        long n = count + 1;
        double delta = difference - differenceMean;
        double mean = differenceMean + delta / n;
        double m2 = differenceM2 + delta * (difference - mean);
        return new PairedLosses(outcome.modelName(), outcome.challengerVersion(), outcome.championVersion(), task, n,
                championMean + (champion - championMean) / n, challengerMean + (challenger - challengerMean) / n,
                mean, m2, Math.max(lastEventTime, outcome.eventTime()));
    }

    /** Sample variance (n − 1) of the differences; 0 below two events. */
    public double differenceVariance() {
        return count < 2 ? 0 : differenceM2 / (count - 1);
    }

    /** The report of this tally. */
    public PairedQuality report() {
        return PairedQuality.newBuilder()
                .setModelName(modelName).setChallengerVersion(challengerVersion).setChampionVersion(championVersion)
                .setLoss(task == QualityTask.REGRESSION ? SQUARED_ERROR : LOG_LOSS)
                .setCount(count).setChampionLoss(championMean).setChallengerLoss(challengerMean)
                .setMeanLossDifference(differenceMean).setLossDifferenceVariance(differenceVariance())
                .setLastEventTime(Instant.ofEpochMilli(Math.max(0, lastEventTime)))
                .build();
    }
}
