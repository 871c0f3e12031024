package ai.factory.ingest.job;

import ai.factory.ingest.features.PartialVector;

/**
 * What flows between the keyed steps: either a vector or a feedback fact (exactly one is non-null), so
 * each step is one keyed function and events and feedback share one event-time clock.
 */
public record StageInput(PartialVector vector, FeedbackFact fact) {

    public static StageInput of(PartialVector vector) {
        return new StageInput(vector, null);
    }

    public static StageInput of(FeedbackFact fact) {
        return new StageInput(null, fact);
    }

    public boolean isVector() {
        return vector != null;
    }

    /** Event time of the vector or feedback time of the fact. */
    public long time() {
        return vector != null ? vector.eventTime() : fact.feedbackTime();
    }
}
