package ai.factory.replay;

import java.time.DateTimeException;
import java.time.Instant;
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
    private final String source;

    public RowMapper(Mapping mapping, String source) {
        this.mapping = mapping;
        this.source = source;
    }

    /** Maps one readable row; {@code rowNumber} is its 1-based position among data rows. */
    public Mapped map(long rowNumber, Map<String, String> values) {
        String id = mapping.id().prefix() + (mapping.id().rowNumber() ? Long.toString(rowNumber) : required(values, mapping.id().column()));
        Instant time = eventTime(values);
        Map<String, Object> attributes = new HashMap<>();
        mapping.attributes().forEach((name, a) -> attributes.put(name, typed(name, values.get(a.column()), a.type())));
        String entity = mapping.entity() == null ? null : values.get(mapping.entity());
        Event event = Event.newBuilder().setId(id).setEventTime(time).setEntity(entity).setAttributes(attributes).build();
        if (!mapping.hasLabel()) {
            return new Mapped(event, null);
        }
        double label = label(mapping.label(), required(values, mapping.label().column()));
        Instant labelTime = labelTime(time, values);
        return new Mapped(event, Feedback.newBuilder().setEventId(id).setLabel(label).setFeedbackTime(labelTime).setSource(source).build());
    }

    /** The row's event time alone, for ordering rows before they are mapped. */
    public Instant eventTime(Map<String, String> values) {
        return time("event time", mapping.eventTime(), values);
    }

    private Instant labelTime(Instant eventTime, Map<String, String> values) {
        Mapping.LabelTiming timing = mapping.labelTiming();
        if (timing instanceof Mapping.LabelAt at) {
            Instant labelTime = time("label time", at.time(), values);
            if (labelTime.isBefore(eventTime)) {
                throw new BadRowException("label time " + labelTime + " is before the event time " + eventTime);
            }
            return labelTime;
        }
        if (timing instanceof Mapping.LabelDelay fixed) {
            return eventTime.plus(fixed.delay());
        }
        if (timing instanceof Mapping.LabelDelayMinutes delay) {
            double minutes = 0;
            for (Mapping.LabelDelayMinutes.Term term : delay.terms()) {
                minutes += term.times() * number(term.column(), required(values, term.column()));
            }
            return eventTime.plusMillis(Math.round(Math.max(delay.atLeast(), minutes) * 60_000));
        }
        return eventTime;
    }

    private static Instant time(String what, Mapping.TimeColumn column, Map<String, String> values) {
        String text = required(values, column.column());
        try {
            return column.format().parse(text);
        } catch (DateTimeException e) {
            throw new BadRowException(what + " '" + text + "' in column " + column.column() + " does not parse as "
                    + column.format());
        }
    }

    /** The label's value: the number itself, or 1/0 for whether it meets the label's condition. */
    static double label(Mapping.Label label, String text) {
        if (!label.hasCondition()) {
            return switch (text.trim().toLowerCase()) {
                case "true" -> 1.0;
                case "false" -> 0.0;
                default -> number(label.column(), text);
            };
        }
        Double left = finiteOrNull(text);
        Double right = finiteOrNull(label.value());
        if (left != null && right != null) {
            return holds(label.op(), Double.compare(left, right)) ? 1.0 : 0.0;
        }
        return switch (label.op()) {
            case "==" -> text.trim().equals(label.value()) ? 1.0 : 0.0;
            case "!=" -> text.trim().equals(label.value()) ? 0.0 : 1.0;
            default -> throw new BadRowException("label column " + label.column() + ": '" + text
                    + "' is not a number to compare with " + label.op() + " " + label.value());
        };
    }

    private static boolean holds(String op, int comparison) {
        return switch (op) {
            case "==" -> comparison == 0;
            case "!=" -> comparison != 0;
            case ">" -> comparison > 0;
            case ">=" -> comparison >= 0;
            case "<" -> comparison < 0;
            default -> comparison <= 0;
        };
    }

    private static Double finiteOrNull(String text) {
        try {
            double d = Double.parseDouble(text.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An attribute's value; an empty cell or JSON null is a missing value, never an error. */
    private static Object typed(String name, String text, Mapping.AttributeType type) {
        if (text == null || text.isEmpty() || (type != Mapping.AttributeType.STRING && text.isBlank())) {
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
            throw new BadRowException("attribute " + name + " is not a " + type.jsonName() + ": '" + text + "'");
        }
    }

    private static double number(String column, String text) {
        Double d = finiteOrNull(text);
        if (d == null) {
            throw new BadRowException("column " + column + " is not a finite number: '" + text + "'");
        }
        return d;
    }

    private static String required(Map<String, String> values, String column) {
        String value = values.get(column);
        if (value == null || value.isEmpty()) {
            throw new BadRowException("column " + column + " is missing or empty");
        }
        return value;
    }
}
