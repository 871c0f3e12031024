package ai.factory.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a row of someone's data becomes an {@code Event} and, optionally, its {@code Feedback}: which column is the id,
 * the event time, the entity, the typed attributes, the label, and how long after the event the label arrives.
 */
public record Mapping(
        String description,
        Id id,
        @JsonProperty("event_time") EventTime eventTime,
        String entity,
        Map<String, AttributeType> attributes,
        Label label,
        @JsonProperty("label_delay_minutes") LabelDelay labelDelayMinutes) {

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

    /** The event-time column and how to read it; without a format the value is ISO-8601 or epoch milliseconds. */
    public record EventTime(String column, String format, String zone) {
        public EventTime {
            Objects.requireNonNull(column, "event_time.column is required");
        }

        DateTimeFormatter formatter() {
            return format == null ? null : DateTimeFormatter.ofPattern(format, Locale.ROOT);
        }

        ZoneId zoneId() {
            return ZoneId.of(zone == null ? "UTC" : zone);
        }
    }

    /** The type an attribute is read as. */
    public enum AttributeType {
        @JsonProperty("string") STRING,
        @JsonProperty("long") LONG,
        @JsonProperty("double") DOUBLE,
        @JsonProperty("boolean") BOOLEAN
    }

    /** The label column: 0/1 (or false/true) for binary outcomes, a number for regression. */
    public record Label(String column) {
        public Label {
            Objects.requireNonNull(column, "label.column is required");
        }
    }

    /** Minutes from the event to its label: a sum of scaled columns, at least {@code atLeast}. */
    public record LabelDelay(List<Term> terms, @JsonProperty("at_least") double atLeast) {
        public LabelDelay {
            terms = terms == null ? List.of() : List.copyOf(terms);
        }

        /** One column times a factor. */
        public record Term(String column, double times) {
        }
    }

    public Mapping {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(eventTime, "event_time is required");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** True when rows carry a label, so the replay also writes feedback. */
    public boolean hasLabel() {
        return label != null;
    }

    /** Reads a mapping file, failing with the file name and what is wrong. */
    public static Mapping read(Path file) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return json.readValue(Files.readAllBytes(file), Mapping.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("mapping file " + file + " is not valid: " + e.getMessage(), e);
        }
    }
}
