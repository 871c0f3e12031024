package ai.factory.deadletter;

import java.nio.ByteBuffer;
import java.time.Instant;

import ai.factory.records.Rejected;
import ai.factory.serde.RecordSource;

/**
 * Builds the dead letter ({@link Rejected}) of every stage from a record's raw value and why it was rejected. The
 * value is bounded ({@link OriginalValue}), so a dead letter stays far below any topic's {@code max.message.bytes}
 * (1 MB by default) however large the record it stands for.
 */
public final class DeadLetters {

    /**
     * Most bytes of a rejected value that a dead letter carries: enough to see what it was, and small beside the
     * 1 MB default {@code max.message.bytes} together with the reason and the rest of the record.
     */
    public static final int MAX_ORIGINAL_BYTES = 64 * 1024;

    /**
     * Longest event id a dead letter carries, in chars: an id too long to accept is itself a reason for rejection,
     * and the dead letter (keyed by it) must not grow with it. Longer ids are cut to this.
     */
    public static final int MAX_EVENT_ID_CHARS = 1024;

    private DeadLetters() {
    }

    /**
     * The dead letter of a record read at {@code source}.
     *
     * @param eventId  the event id when it could be read, else null; cut to {@link #MAX_EVENT_ID_CHARS}
     * @param original the record's value as read (may be null)
     */
    public static Rejected rejected(String eventId, String reasonCode, String reason, RecordSource source,
                                    byte[] original, Instant rejectedAt, String rejectedBy) {
        return rejected(eventId, reasonCode, reason, source, OriginalValue.of(original), rejectedAt, rejectedBy);
    }

    /** As {@link #rejected(String, String, String, RecordSource, byte[], Instant, String)}, with a value already bounded. */
    public static Rejected rejected(String eventId, String reasonCode, String reason, RecordSource source,
                                    OriginalValue original, Instant rejectedAt, String rejectedBy) {
        return Rejected.newBuilder()
                .setEventId(boundedEventId(eventId))
                .setReasonCode(reasonCode)
                .setReason(reason)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOriginal(original == null ? null : ByteBuffer.wrap(original.prefix()))
                .setOriginalSize(original == null ? null : original.size())
                .setOriginalSha256(original == null ? null : original.sha256())
                .setRejectedAt(rejectedAt)
                .setRejectedBy(rejectedBy)
                .build();
    }

    /** {@code eventId} cut to {@link #MAX_EVENT_ID_CHARS} (never inside a surrogate pair); null stays null. */
    public static String boundedEventId(String eventId) {
        if (eventId == null || eventId.length() <= MAX_EVENT_ID_CHARS) {
            return eventId;
        }
        int end = Character.isHighSurrogate(eventId.charAt(MAX_EVENT_ID_CHARS - 1)) ? MAX_EVENT_ID_CHARS - 1
                : MAX_EVENT_ID_CHARS;
        return eventId.substring(0, end);
    }
}
