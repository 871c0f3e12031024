package ai.factory.ops.pipeline;

import java.util.List;

import ai.factory.ops.status.Status;

/**
 * One stage as the pipeline view shows it.
 *
 * @param inRate   records per second its consumer groups commit
 * @param outRate  records per second arriving on its output topics
 * @param groups   the consumer groups attributed to it (by the topics they read)
 */
public record StageView(String name, List<String> inputs, List<String> outputs, double inRate, double outRate,
                        long lagRecords, Status status, String reason, List<String> groups) {
}
