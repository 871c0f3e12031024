package ai.factory.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.Task;
import org.junit.jupiter.api.Test;

/** What a release reports: log loss for binary models, MSE/RMSE/MAE in label units for regression. */
class ReleaseMetricsTest {

    private static TrainerProgress.Pending evaluated(double trainingLoss, long count, double lossSum, double absSum) {
        TrainerProgress.Pending p = new TrainerProgress.Pending();
        p.trainingLoss = trainingLoss;
        p.trainedSinceParent = 500;
        p.holdoutCount = count;
        p.candidateLossSum = lossSum;
        p.candidateAbsErrorSum = absSum;
        return p;
    }

    @Test
    void regressionReportsItsErrorsInLabelUnits() {
        ModelConfig config = ModelConfig.logistic(2, 1, 8).withTask(Task.REGRESSION).withLabelScale(15, 4);
        // Training loss 0.25 standardised = 4 in squared label units; hold-out squared errors 900 and |errors| 250 over 100.
        Map<String, Double> m = ReleaseMetrics.of(config, evaluated(0.25, 100, 900, 250), 10.0, 3L);
        assertThat(m).containsEntry("training_loss", 4.0).containsEntry("holdout_examples", 100.0)
                .containsEntry("holdout_loss", 9.0).containsEntry("holdout_mse", 9.0).containsEntry("holdout_rmse", 3.0)
                .containsEntry("holdout_mae", 2.5).containsEntry("champion_holdout_loss", 10.0).containsEntry("champion_version", 3.0)
                .doesNotContainKey("holdout_logloss");
    }

    @Test
    void binaryMetricsAreUnchanged() {
        Map<String, Double> m = ReleaseMetrics.of(ModelConfig.logistic(2, 1, 8), evaluated(0.6, 10, 5.5, 3), null, null);
        assertThat(m).containsOnlyKeys("training_loss", "examples_since_parent", "holdout_examples", "holdout_loss", "holdout_logloss");
        assertThat(m.get("training_loss")).isEqualTo(0.6);
        assertThat(m.get("holdout_logloss")).isCloseTo(0.55, within(1e-12));
    }

    @Test
    void withoutHoldOutExamplesThereAreNoHoldOutLosses() {
        ModelConfig config = ModelConfig.logistic(2, 1, 8).withTask(Task.REGRESSION);
        assertThat(ReleaseMetrics.of(config, evaluated(1, 0, 0, 0), Double.NaN, 1L))
                .containsOnlyKeys("training_loss", "examples_since_parent", "holdout_examples");
    }
}
