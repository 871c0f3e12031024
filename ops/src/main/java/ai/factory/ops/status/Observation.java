package ai.factory.ops.status;

/**
 * One sample of one partition of one consumer group, as the evaluator needs it.
 *
 * @param timeMs         wall-clock time of the sample
 * @param committed      committed offset of the group
 * @param logStart       first offset still in the log
 * @param end            the offset the group can read up to (last stable offset)
 * @param lag            records waiting (0 when caught up)
 * @param consumerActive whether the group had active members at the time
 * @param error          why the partition could not be sampled, or null
 */
public record Observation(long timeMs, long committed, long logStart, long end, long lag, boolean consumerActive, String error) {

    /** A sample that could be taken. */
    public static Observation of(long timeMs, long committed, long logStart, long end, long lag, boolean consumerActive) {
        return new Observation(timeMs, committed, logStart, end, lag, consumerActive, null);
    }
}
