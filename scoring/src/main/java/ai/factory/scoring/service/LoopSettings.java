package ai.factory.scoring.service;

import java.time.Duration;

/**
 * How the scoring loop batches, paces and commits.
 *
 * @param maxBatch               most rows per ONNX Runtime run
 * @param maxWait                longest a polled vector waits for its batch to fill
 * @param maxPendingPerPartition polled-but-unscored vectors per partition above which the partition is paused
 * @param commitInterval         how often handled offsets are committed (after the producer has flushed)
 * @param shadow                 also score with the challenger and write to the shadow topic
 * @param startFromEarliest      where a partition without a committed offset is read again from after a failure
 * @param outageLimit            how long writes may keep failing, retried with backoff, before the loop gives up
 */
public record LoopSettings(String featuresTopic, String predictionsTopic, String shadowTopic, String deadLetterTopic,
                           int maxBatch, Duration maxWait, int maxPendingPerPartition, Duration commitInterval,
                           boolean shadow, boolean startFromEarliest, Duration outageLimit) {

    public LoopSettings {
        if (maxBatch < 1 || maxPendingPerPartition < 1) {
            throw new IllegalArgumentException("max batch and max pending must be positive");
        }
        if (maxWait.isNegative() || commitInterval.isNegative() || outageLimit.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }
}
