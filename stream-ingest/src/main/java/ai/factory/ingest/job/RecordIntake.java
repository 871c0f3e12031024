package ai.factory.ingest.job;

import ai.factory.ingest.features.StatelessFeaturizer;
import ai.factory.ingest.validation.EventValidator;
import ai.factory.ingest.validation.ReasonCode;
import ai.factory.ingest.validation.Violation;
import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.UndecodableRecordException;

/**
 * Turns the raw bytes of one Kafka record into an {@link Incoming}: decode, check size and rules,
 * prepare the stateless features. Never throws for bad input; that becomes a rejection.
 */
public final class RecordIntake {

    private final AvroCodec<Event> events;
    private final AvroCodec<Feedback> feedback;
    private final EventValidator validator;
    private final StatelessFeaturizer featurizer;

    public RecordIntake(AvroCodec<Event> events, AvroCodec<Feedback> feedback, EventValidator validator,
                        StatelessFeaturizer featurizer) {
        this.events = events;
        this.feedback = feedback;
        this.validator = validator;
        this.featurizer = featurizer;
    }

    /** An event record read at {@code source} with its Kafka key. */
    public Incoming event(RecordSource source, byte[] key, byte[] bytes, long now) {
        Violation tooLarge = validator.checkSize(bytes == null ? 0 : bytes.length);
        if (tooLarge != null) {
            return reject(null, tooLarge, source, bytes, now);
        }
        Event event;
        try {
            event = events.decode(source, bytes);
        } catch (UndecodableRecordException e) {
            return reject(null, undecodable(e), source, bytes, now);
        }
        Violation violation = validator.check(event, now);
        if (violation != null) {
            return reject(event.getId(), violation, source, bytes, now);
        }
        StatelessFeaturizer.Result result = featurizer.featurize(event);
        if (result.violation() != null) {
            return reject(event.getId(), result.violation(), source, bytes, now);
        }
        Violation wrongKey = validator.checkKey(key, event.getId());
        if (wrongKey != null) {
            return reject(event.getId(), wrongKey, source, bytes, now);
        }
        return Incoming.accept(StageInput.read(result.vector(), source.partition(), source.offset()));
    }

    /** A feedback record read at {@code source} with its Kafka key. */
    public Incoming feedback(RecordSource source, byte[] key, byte[] bytes, long now) {
        Violation tooLarge = validator.checkSize(bytes == null ? 0 : bytes.length);
        if (tooLarge != null) {
            return reject(null, tooLarge, source, bytes, now);
        }
        Feedback record;
        try {
            record = feedback.decode(source, bytes);
        } catch (UndecodableRecordException e) {
            return reject(null, undecodable(e), source, bytes, now);
        }
        Violation violation = validator.check(record, now);
        if (violation == null) {
            violation = validator.checkKey(key, record.getEventId());
        }
        if (violation != null) {
            return reject(record.getEventId(), violation, source, bytes, now);
        }
        return Incoming.accept(StageInput.of(new FeedbackFact(FeedbackFact.UNATTRIBUTED, record.getEventId(),
                record.getLabel(), record.getFeedbackTime().toEpochMilli())));
    }

    /**
     * Bytes that are not a readable record are UNDECODABLE, with the decoder's reason in the text; a length or count
     * over Avro's limits (a length bomb) is TOO_LARGE, as the feedback app and the size check call it.
     */
    private static Violation undecodable(UndecodableRecordException e) {
        ReasonCode code = e.reason() == UndecodableRecordException.Reason.TOO_LARGE ? ReasonCode.TOO_LARGE : ReasonCode.UNDECODABLE;
        return new Violation(code, e.reason() + ": " + e.getMessage());
    }

    private static Incoming reject(String id, Violation violation, RecordSource source, byte[] bytes, long now) {
        return Incoming.reject(Rejection.of(id, violation, source.topic(), source.partition(), source.offset(), bytes, now));
    }
}
