package ai.factory.ingest.features;

import ai.factory.ingest.spec.FeatureDefinition.Aggregate;

/** Turns a window's count and sum into the value of an aggregate feature. */
public final class Aggregates {

    private Aggregates() {
    }

    /** COUNT, SUM or MEAN of {@code count} values summing to {@code sum}; the mean of nothing is 0. */
    public static double finish(Aggregate aggregate, double count, double sum) {
        return switch (aggregate) {
            case COUNT -> count;
            case SUM -> sum;
            case MEAN -> count > 0 ? sum / count : 0.0;
        };
    }
}
