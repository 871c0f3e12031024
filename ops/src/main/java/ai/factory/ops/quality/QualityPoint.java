package ai.factory.ops.quality;

/** One quality report of one model version: a point of its quality-over-time chart. */
public record QualityPoint(String model, long version, String window, long windowEnd, long count, double logloss,
                           Double auc, double accuracy, long labelDelayP50Ms, long labelDelayP99Ms, long pending,
                           long expired, long late, String driftDetector) {
}
