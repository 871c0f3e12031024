package ai.factory.ops.lag;

import java.util.List;

/**
 * What one sample saw of one consumer group.
 *
 * @param state   group state as the coordinator reports it (STABLE, EMPTY, ...)
 * @param members active members, 0 for groups that only commit (Flink sources, stopped apps), -1 if unknown
 * @param error   why the group could not be sampled, or null
 */
public record GroupLag(String group, String state, int members, List<PartitionLag> partitions, String error) {

    /** Whether a consumer runs: members present, or unknown (then it is not called stopped). */
    public boolean consumerActive() {
        return members != 0;
    }
}
