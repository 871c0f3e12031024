package ai.factory.ingest.validation;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import ai.factory.ingest.spec.AttributeRule;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.Limits;
import ai.factory.records.Event;
import ai.factory.records.Feedback;

/** Checks decoded events and feedback against the limits and attribute rules of a feature spec. */
public final class EventValidator implements Serializable {

    private final Limits limits;
    private final Map<String, AttributeRule> rules;

    public EventValidator(FeatureSpec spec) {
        this.limits = spec.limits();
        this.rules = spec.attributes();
    }

    /** A violation of the size limit by the raw record, or null. */
    public Violation checkSize(int recordBytes) {
        if (recordBytes > limits.maxRecordBytes()) {
            return new Violation(ReasonCode.TOO_LARGE,
                    "record has " + recordBytes + " bytes, the limit is " + limits.maxRecordBytes());
        }
        return null;
    }

    /** The first violation of {@code event}, or null when it may be featurized. */
    public Violation check(Event event, long nowMillis) {
        if (event.getId() == null || event.getId().isBlank()) {
            return new Violation(ReasonCode.MISSING_FIELD, "event id is empty");
        }
        if (event.getId().length() > limits.maxStringLength()) {
            return new Violation(ReasonCode.TOO_LARGE, "event id is longer than " + limits.maxStringLength());
        }
        if (event.getEntity() != null && event.getEntity().length() > limits.maxStringLength()) {
            return new Violation(ReasonCode.TOO_LARGE, "entity is longer than " + limits.maxStringLength());
        }
        Violation time = checkTime("event_time", event.getEventTime(), nowMillis);
        if (time != null) {
            return time;
        }
        Map<String, Object> attributes = event.getAttributes();
        if (attributes.size() > limits.maxAttributes()) {
            return new Violation(ReasonCode.TOO_LARGE,
                    "event has " + attributes.size() + " attributes, the limit is " + limits.maxAttributes());
        }
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            if (a.getKey().length() > limits.maxStringLength()) {
                return new Violation(ReasonCode.TOO_LARGE, "an attribute name is longer than " + limits.maxStringLength()
                        + " characters");
            }
            Object value = a.getValue();
            if (value instanceof CharSequence s && s.length() > limits.maxStringLength()) {
                return new Violation(ReasonCode.TOO_LARGE,
                        "attribute " + a.getKey() + " is longer than " + limits.maxStringLength() + " characters");
            }
            if (value instanceof Double d && !Double.isFinite(d)) {
                return new Violation(ReasonCode.NOT_FINITE, "attribute " + a.getKey() + " is " + d);
            }
        }
        for (Map.Entry<String, AttributeRule> rule : rules.entrySet()) {
            Violation v = checkAttribute(rule.getKey(), rule.getValue(), attributes.get(rule.getKey()));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The first violation of {@code feedback}, or null. */
    public Violation check(Feedback feedback, long nowMillis) {
        if (feedback.getEventId() == null || feedback.getEventId().isBlank()) {
            return new Violation(ReasonCode.MISSING_FIELD, "feedback event_id is empty");
        }
        if (feedback.getEventId().length() > limits.maxStringLength()) {
            return new Violation(ReasonCode.TOO_LARGE, "feedback event_id is longer than " + limits.maxStringLength());
        }
        if (feedback.getSource().length() > limits.maxStringLength()) {
            return new Violation(ReasonCode.TOO_LARGE, "feedback source is longer than " + limits.maxStringLength());
        }
        if (!Double.isFinite(feedback.getLabel())) {
            return new Violation(ReasonCode.NOT_FINITE, "feedback label is " + feedback.getLabel());
        }
        return checkTime("feedback_time", feedback.getFeedbackTime(), nowMillis);
    }

    /**
     * A violation of the topics' keying, or null: {@code events} and {@code feedback} are keyed by the event id, so
     * every record of one id lands on one partition (in order) and a consumer can trust the key. A record without a
     * key, or whose key names another id than its value, is dead-lettered rather than re-keyed: which of the two ids
     * is meant cannot be known, and the producer that wrote it needs to hear of it. Checked after the content, so a
     * record that is wrong in both ways is reported for its content.
     */
    public Violation checkKey(byte[] key, String eventId) {
        if (key == null) {
            return new Violation(ReasonCode.MISSING_KEY, "the record has no key; it must be the event id");
        }
        if (!Arrays.equals(key, eventId.getBytes(StandardCharsets.UTF_8))) {
            return new Violation(ReasonCode.KEY_MISMATCH, "the record's key (" + key.length
                    + " bytes) is not its event id '" + abbreviate(eventId) + "'");
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private Violation checkTime(String field, Instant time, long nowMillis) {
        if (time == null) {
            return new Violation(ReasonCode.MISSING_FIELD, field + " is missing");
        }
        if (time.toEpochMilli() <= 0) {
            // Whatever the spec's earliest time: epoch 0 or before is an unset or garbled time, never an event's.
            return new Violation(ReasonCode.TIME_OUT_OF_BOUNDS, field + " " + time + " is not after " + Instant.EPOCH);
        }
        if (time.isBefore(limits.earliestEventTime())) {
            return new Violation(ReasonCode.TIME_OUT_OF_BOUNDS,
                    field + " " + time + " is before the earliest accepted " + limits.earliestEventTime());
        }
        long latest = nowMillis + limits.maxAheadOfWallClock().toMillis();
        if (time.toEpochMilli() > latest) {
            return new Violation(ReasonCode.TIME_OUT_OF_BOUNDS, field + " " + time
                    + " is more than " + limits.maxAheadOfWallClock() + " ahead of the wall clock");
        }
        return null;
    }

    private static Violation checkAttribute(String name, AttributeRule rule, Object value) {
        if (value == null) {
            return rule.required() ? new Violation(ReasonCode.MISSING_FIELD, "required attribute " + name + " is missing") : null;
        }
        boolean matches = switch (rule.type()) {
            case STRING -> value instanceof CharSequence;
            case NUMBER -> value instanceof Long || value instanceof Double;
            case BOOLEAN -> value instanceof Boolean;
        };
        if (!matches) {
            return new Violation(ReasonCode.WRONG_TYPE, "attribute " + name + " should be "
                    + rule.type().name().toLowerCase(java.util.Locale.ROOT) + " but is " + value.getClass().getSimpleName());
        }
        return null;
    }
}
