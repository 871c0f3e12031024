package ai.factory.replay;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

import ai.factory.records.Event;
import ai.factory.records.Feedback;

/** Turns rows into events and their feedback as a {@link Mapping} says; a row that does not fit is a bad line. */
public final class RowMapper {

    /** A mapped row: the event, and its feedback when the row has a label. */
    public record Mapped(Event event, Feedback feedback) {
    }

    /** Thrown for a row that does not fit the mapping; the message says which column and why. */
    public static final class BadRowException extends RuntimeException {
        public BadRowException(String message) {
            super(message);
        }
    }

    private final Mapping mapping;
    private final DateTimeFormatter timeFormat;
    private final ZoneId zone;
    private final String source;

    public RowMapper(Mapping mapping, String source) {
        this.mapping = mapping;
        this.timeFormat = mapping.eventTime().formatter();
        this.zone = mapping.eventTime().zoneId();
        this.source = source;
    }

    /** Maps one readable row; {@code rowNumber} is its 1-based position among data rows. */
    public Mapped map(long rowNumber, Map<String, String> values) {
        String id = mapping.id().prefix() + (mapping.id().rowNumber() ? Long.toString(rowNumber) : required(values, mapping.id().column()));
        Instant time = eventTime(required(values, mapping.eventTime().column()));
        Map<String, Object> attributes = new HashMap<>();
        mapping.attributes().forEach((name, type) -> attributes.put(name, typed(name, values.get(name), type)));
        String entity = mapping.entity() == null ? null : values.get(mapping.entity());
        Event event = Event.newBuilder().setId(id).setEventTime(time).setEntity(entity).setAttributes(attributes).build();
        if (!mapping.hasLabel()) {
            return new Mapped(event, null);
        }
        double label = label(required(values, mapping.label().column()));
        Instant labelTime = time.plusMillis(Math.round(delayMinutes(values) * 60_000));
        return new Mapped(event, Feedback.newBuilder().setEventId(id).setLabel(label).setFeedbackTime(labelTime).setSource(source).build());
    }

    private double delayMinutes(Map<String, String> values) {
        Mapping.LabelDelay delay = mapping.labelDelayMinutes();
        if (delay == null) {
            return 0;
        }
        double minutes = 0;
        for (Mapping.LabelDelay.Term term : delay.terms()) {
            minutes += term.times() * number(term.column(), required(values, term.column()));
        }
        return Math.max(delay.atLeast(), minutes);
    }

    private Instant eventTime(String text) {
        try {
            if (timeFormat != null) {
                return LocalDateTime.parse(text, timeFormat).atZone(zone).toInstant();
            }
            if (text.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(text));
            }
            return text.endsWith("Z") || text.contains("+") ? Instant.parse(text) : LocalDateTime.parse(text).atZone(zone).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadRowException("event time '" + text + "' does not parse");
        }
    }

    private static double label(String text) {
        return switch (text.trim().toLowerCase()) {
            case "true" -> 1.0;
            case "false" -> 0.0;
            default -> number("label", text);
        };
    }

    private static Object typed(String name, String text, Mapping.AttributeType type) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return switch (type) {
                case STRING -> text;
                case LONG -> Long.parseLong(text.trim());
                case DOUBLE -> {
                    double d = Double.parseDouble(text.trim());
                    if (!Double.isFinite(d)) {
                        throw new BadRowException("attribute " + name + " is not finite: " + text);
                    }
                    yield d;
                }
                case BOOLEAN -> switch (text.trim().toLowerCase()) {
                    case "true", "1" -> Boolean.TRUE;
                    case "false", "0" -> Boolean.FALSE;
                    default -> throw new BadRowException("attribute " + name + " is not a boolean: " + text);
                };
            };
        } catch (NumberFormatException e) {
            throw new BadRowException("attribute " + name + " is not a " + type.name().toLowerCase() + ": '" + text + "'");
        }
    }

    private static double number(String column, String text) {
        try {
            double d = Double.parseDouble(text.trim());
            if (!Double.isFinite(d)) {
                throw new BadRowException("column " + column + " is not finite: " + text);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new BadRowException("column " + column + " is not a number: '" + text + "'");
        }
    }

    private static String required(Map<String, String> values, String column) {
        String value = values.get(column);
        if (value == null || value.isEmpty()) {
            throw new BadRowException("column " + column + " is missing or empty");
        }
        return value;
    }
}
