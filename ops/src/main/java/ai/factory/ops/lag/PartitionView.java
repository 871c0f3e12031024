package ai.factory.ops.lag;

import ai.factory.ops.status.Status;

/** One partition of one group as the dashboard, the API and {@code factory lag} show it. */
public record PartitionView(String topic, int partition, long committed, long logStart, long logEnd, long lastStable,
                            long lagRecords, Double lagSeconds, Long pendingTimestampMs, Long newestTimestampMs,
                            Status status, String reason, double consumeRate, double produceRate, double lagSlope,
                            Double catchUpSeconds) {
}
