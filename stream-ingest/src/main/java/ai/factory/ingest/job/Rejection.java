package ai.factory.ingest.job;

import java.time.Instant;

import ai.factory.ingest.validation.Violation;
import ai.factory.records.Rejected;

/**
 * A record on its way to the dead-letter topic: why, and where it was read.
 *
 * @param eventId the event id when it could be read, else null
 */
public record Rejection(String eventId, String reasonCode, String reason, String topic, int partition, long offset,
                        byte[] original, long rejectedAt) {

    public static Rejection of(String eventId, Violation violation, String topic, int partition, long offset,
                               byte[] original, long now) {
        return new Rejection(eventId, violation.code().name(), violation.reason(), topic, partition, offset, original, now);
    }

    /** The dead letter as published. */
    public Rejected toRejected(String rejectedBy) {
        return Rejected.newBuilder()
                .setEventId(eventId)
                .setReasonCode(reasonCode)
                .setReason(reason)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setOriginal(original == null ? null : java.nio.ByteBuffer.wrap(original))
                .setRejectedAt(Instant.ofEpochMilli(rejectedAt))
                .setRejectedBy(rejectedBy)
                .build();
    }
}
