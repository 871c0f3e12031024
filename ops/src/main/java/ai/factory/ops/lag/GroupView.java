package ai.factory.ops.lag;

import java.util.List;

import ai.factory.ops.status.Status;

/**
 * One consumer group as the dashboard shows it.
 *
 * @param lagRecords records waiting over all partitions
 * @param lagSeconds the largest time lag of its partitions, null when none could be measured
 */
public record GroupView(String group, String state, int members, Status status, String reason, long lagRecords,
                        Double lagSeconds, double consumeRate, double produceRate, double lagSlope, Double catchUpSeconds,
                        List<String> topics, List<PartitionView> partitions) {
}
