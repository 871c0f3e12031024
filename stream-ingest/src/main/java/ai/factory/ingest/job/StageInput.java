package ai.factory.ingest.job;

import ai.factory.ingest.features.PartialVector;

/**
 * What flows between the keyed steps: either a vector or a feedback fact (exactly one is non-null), so
 * each step is one keyed function and events and feedback share one event-time clock.
 *
 * @param sourcePartition where the event of a vector was read on {@code events} (-1 after the de-duplication step):
 *                        a duplicate is dead-lettered with its own position
 * @param sourceOffset    its offset there (-1 after the de-duplication step)
 */
public record StageInput(PartialVector vector, FeedbackFact fact, int sourcePartition, long sourceOffset) {

    public static StageInput of(PartialVector vector) {
        return new StageInput(vector, null, -1, -1L);
    }

    /** A vector as read from {@code events}, at {@code partition} and {@code offset}. */
    public static StageInput read(PartialVector vector, int partition, long offset) {
        return new StageInput(vector, null, partition, offset);
    }

    public static StageInput of(FeedbackFact fact) {
        return new StageInput(null, fact, -1, -1L);
    }

    public boolean isVector() {
        return vector != null;
    }

    /** Event time of the vector or feedback time of the fact. */
    public long time() {
        return vector != null ? vector.eventTime() : fact.feedbackTime();
    }
}
