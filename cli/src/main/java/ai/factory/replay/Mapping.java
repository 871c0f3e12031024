package ai.factory.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a row of someone's data becomes an {@code Event} and, optionally, its {@code Feedback}: which column is the id,
 * the event time, the entity, the typed attributes, the label, and when the label arrives. Read from and written to
 * JSON by {@link MappingJson}.
 */
public record Mapping(
        String description,
        Id id,
        TimeColumn eventTime,
        String entity,
        Map<String, Attribute> attributes,
        Label label,
        LabelTiming labelTiming) {

    /** This mapping with every label {@code delay} after its event, whatever the label timing it had. */
    public Mapping withLabelDelay(Duration delay) {
        return new Mapping(description, id, eventTime, entity, attributes, label, new LabelDelay(delay));
    }

    /** The id column, or {@code #row} for the row number; prefixed. */
    public record Id(String column, String prefix) {
        public Id {
            Objects.requireNonNull(column, "id.column is required (a column name, or #row for the row number)");
            prefix = prefix == null ? "" : prefix;
        }

        public boolean rowNumber() {
            return "#row".equals(column);
        }
    }

    /** A time column and how its text reads. */
    public record TimeColumn(String column, TimeFormat format) {
        public TimeColumn {
            Objects.requireNonNull(column, "a time column needs its column");
            format = format == null ? TimeFormat.auto(TimeFormat.UTC) : format;
        }
    }

    /** The type an attribute is read as. */
    public enum AttributeType {
        STRING, LONG, DOUBLE, BOOLEAN;

        /** The name in a mapping file: string, long, double or boolean. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An attribute: the column it is read from (its name, unless the header says otherwise) and its type. */
    public record Attribute(String column, AttributeType type) {
        public Attribute {
            Objects.requireNonNull(column, "an attribute needs its column");
            Objects.requireNonNull(type, "an attribute needs its type");
        }
    }

    /**
     * The label column: its value (0/1, false/true, or a number for regression), or, with an operator, whether the
     * value compares so with {@code value}: numerically when both are numbers, as text for == and != otherwise.
     */
    public record Label(String column, String op, String value) {
        // Two-character operators first, so that ">=" is not read as ">" followed by "=4".
        private static final List<String> OPS = List.of("==", "!=", ">=", "<=", ">", "<");

        public Label {
            Objects.requireNonNull(column, "label.column is required");
            if (op != null && !OPS.contains(op)) {
                throw new IllegalArgumentException("label op '" + op + "' is not one of " + String.join(" ", OPS));
            }
            if ((op == null) != (value == null)) {
                throw new IllegalArgumentException("label op and value go together: both or neither");
            }
        }

        /** The label column as it is. */
        public static Label of(String column) {
            return new Label(column, null, null);
        }

        /** {@code rating}, {@code rating>=4} or {@code Effect Amount of damage!=None}: split at the first operator. */
        public static Label parse(String text) {
            for (int i = 0; i < text.length(); i++) {
                for (String op : OPS) {
                    if (text.startsWith(op, i)) {
                        String column = text.substring(0, i).trim();
                        if (column.isEmpty()) {
                            throw new IllegalArgumentException("label '" + text + "' has no column before " + op);
                        }
                        return new Label(column, op, text.substring(i + op.length()).trim());
                    }
                }
            }
            return of(text.trim());
        }

        public boolean hasCondition() {
            return op != null;
        }

        @Override
        public String toString() {
            return hasCondition() ? column + op + value : column;
        }
    }

    /** When a row's label arrives: at a time column, a fixed delay after the event, or a delay computed in minutes. */
    public sealed interface LabelTiming permits LabelAt, LabelDelay, LabelDelayMinutes {
    }

    /** The label's own time column; a label time before the event time is a bad row. */
    public record LabelAt(TimeColumn time) implements LabelTiming {
        public LabelAt {
            Objects.requireNonNull(time, "label_time needs a column");
        }
    }

    /** A fixed delay from the event to its label. */
    public record LabelDelay(Duration delay) implements LabelTiming {
        public LabelDelay {
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("label_delay must be a duration of zero or more, was " + delay);
            }
        }
    }

    /** Minutes from the event to its label: a sum of scaled columns, at least {@code atLeast}. */
    public record LabelDelayMinutes(List<Term> terms, double atLeast) implements LabelTiming {
        public LabelDelayMinutes {
            terms = terms == null ? List.of() : List.copyOf(terms);
        }

        /** One column times a factor. */
        public record Term(String column, double times) {
        }
    }

    public Mapping {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(eventTime, "event_time is required");
        // Insertion order is kept so that a written mapping lists attributes as its author did.
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        if (labelTiming != null && label == null) {
            throw new IllegalArgumentException("a label time or delay needs a label");
        }
    }

    /** True when rows carry a label, so the replay also writes feedback. */
    public boolean hasLabel() {
        return label != null;
    }

    /** Reads a mapping file, failing with the file name and what is wrong. */
    public static Mapping read(Path file) {
        return MappingJson.read(file);
    }

    /** Writes this mapping as {@link #read} reads it, indented for people. */
    public void write(Path file) {
        MappingJson.write(this, file);
    }

    /** This mapping as the JSON text of a mapping file. */
    public String toJson() {
        return MappingJson.toJson(this);
    }
}
