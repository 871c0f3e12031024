package ai.factory.trainer.job;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.Task;

/** The metrics a release carries: training loss, hold-out size and losses in the task's own terms. */
final class ReleaseMetrics {

    private ReleaseMetrics() {
    }

    /**
     * @param championLoss    the champion's mean hold-out loss, or null without a champion
     * @param championVersion the champion's version, when there is one
     */
    static Map<String, Double> of(ModelConfig config, TrainerProgress.Pending p, Double championLoss, Long championVersion) {
        Task task = config.task();
        Map<String, Double> metrics = new LinkedHashMap<>();
        // The training graph's loss is standardised; the release reports it in the units of its hold-out loss.
        metrics.put("training_loss", p.trainingLoss * task.lossUnit(config));
        metrics.put("examples_since_parent", (double) p.trainedSinceParent);
        metrics.put("holdout_examples", (double) p.holdoutCount);
        if (p.holdoutCount > 0) {
            double candidateLoss = p.candidateLossSum / p.holdoutCount;
            metrics.put("holdout_loss", candidateLoss);
            if (task == Task.BINARY) {
                metrics.put("holdout_logloss", candidateLoss);
            } else {
                // In label units, the ones users and dashboards read.
                metrics.put("holdout_mse", candidateLoss);
                metrics.put("holdout_rmse", Math.sqrt(candidateLoss));
                if (Double.isFinite(p.candidateAbsErrorSum)) {   // NaN: evaluation began before a restart from state format 1
                    metrics.put("holdout_mae", p.candidateAbsErrorSum / p.holdoutCount);
                }
            }
            if (championLoss != null) {
                metrics.put("champion_holdout_loss", championLoss);
                metrics.put("champion_version", (double) championVersion);
            }
        }
        return metrics;
    }
}
