package ai.factory.ingest.job;

import java.time.Instant;

import ai.factory.deadletter.DeadLetters;
import ai.factory.deadletter.OriginalValue;
import ai.factory.ingest.validation.Violation;
import ai.factory.records.Rejected;
import ai.factory.serde.RecordSource;

/**
 * A record on its way to the dead-letter topic: why, and where it was read. It carries the value already bounded,
 * so a huge record costs no more than a small one on its way through the job.
 *
 * @param eventId  the event id when it could be read, else null
 * @param original the value as a dead letter keeps it (null when the record had none)
 */
public record Rejection(String eventId, String reasonCode, String reason, String topic, int partition, long offset,
                        OriginalValue original, long rejectedAt) {

    public static Rejection of(String eventId, Violation violation, String topic, int partition, long offset,
                               byte[] original, long now) {
        return new Rejection(DeadLetters.boundedEventId(eventId), violation.code().name(), violation.reason(), topic,
                partition, offset, OriginalValue.of(original), now);
    }

    /** The dead letter as published. */
    public Rejected toRejected(String rejectedBy) {
        return DeadLetters.rejected(eventId, reasonCode, reason, new RecordSource(topic, partition, offset), original,
                Instant.ofEpochMilli(rejectedAt), rejectedBy);
    }
}
