package ai.factory.ops.quality;

/**
 * One quality report of one model version: a point of its quality-over-time chart. Metrics of the other task are
 * null: binary points carry logloss, baselineLogloss, auc and accuracy; regression points rmse, mae and their
 * baselines (over regressionCount pairs).
 *
 * @param task BINARY or REGRESSION
 */
public record QualityPoint(String model, long version, String task, String window, long windowEnd, long count,
                           Double logloss, Double baselineLogloss, Double auc, Double accuracy, Double rmse, Double mae,
                           Double baselineRmse, Double baselineMae, long regressionCount, long labelDelayP50Ms,
                           long labelDelayP99Ms, long pending, long expired, long late, String driftDetector) {
}
