package ai.factory.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The mapping file format, both ways. Read by hand from a JSON tree rather than bound by annotations, because
 * attributes and label timing each come in more than one shape and every mistake should name its key.
 */
final class MappingJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("description", "id", "event_time", "entity", "attributes", "label",
            "label_time", "label_delay", "label_delay_minutes");

    private MappingJson() {
    }

    static Mapping read(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("mapping file " + file + " is not valid: " + why, e);
        }
    }

    static Mapping fromJson(String text) throws JsonProcessingException {
        JsonNode root = JSON.readTree(text);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a mapping is a JSON object");
        }
        onlyKeys(root, "the mapping", TOP);
        List<String> timings = new ArrayList<>();
        for (String key : List.of("label_time", "label_delay", "label_delay_minutes")) {
            if (root.has(key)) {
                timings.add(key);
            }
        }
        if (timings.size() > 1) {
            throw new IllegalArgumentException("choose one of label_time, label_delay and label_delay_minutes, not "
                    + String.join(" and ", timings));
        }
        JsonNode id = object(root, "id");
        onlyKeys(id, "id", Set.of("column", "prefix"));
        return new Mapping(
                optionalText(root, "description"),
                new Mapping.Id(optionalText(id, "column"), optionalText(id, "prefix")),
                timeColumn(object(root, "event_time"), "event_time"),
                optionalText(root, "entity"),
                attributes(root.get("attributes")),
                label(root.get("label")),
                timing(root));
    }

    private static Mapping.TimeColumn timeColumn(JsonNode node, String where) {
        onlyKeys(node, where, Set.of("column", "format", "zone"));
        String column = optionalText(node, "column");
        if (column == null) {
            throw new IllegalArgumentException(where + ".column is required");
        }
        return new Mapping.TimeColumn(column, TimeFormat.parse(optionalText(node, "format"), optionalText(node, "zone")));
    }

    private static Map<String, Mapping.Attribute> attributes(JsonNode node) {
        Map<String, Mapping.Attribute> attributes = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return attributes;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("attributes is an object of name: type");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (value.isTextual()) {
                attributes.put(name, new Mapping.Attribute(name, type(name, value.asText())));
            } else if (value.isObject()) {
                onlyKeys(value, "attribute " + name, Set.of("column", "type"));
                String column = optionalText(value, "column");
                attributes.put(name, new Mapping.Attribute(column == null ? name : column, type(name, optionalText(value, "type"))));
            } else {
                throw new IllegalArgumentException("attribute " + name + " is a type or {\"column\": ..., \"type\": ...}");
            }
        }
        return attributes;
    }

    private static Mapping.AttributeType type(String attribute, String text) {
        for (Mapping.AttributeType type : Mapping.AttributeType.values()) {
            if (type.jsonName().equals(text)) {
                return type;
            }
        }
        throw new IllegalArgumentException("attribute " + attribute + " has type '" + text
                + "': choose string, long, double or boolean");
    }

    private static Mapping.Label label(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return Mapping.Label.parse(node.asText());
        }
        onlyKeys(node, "label", Set.of("column", "op", "value"));
        JsonNode value = node.get("value");
        return new Mapping.Label(optionalText(node, "column"), optionalText(node, "op"),
                value == null || value.isNull() ? null : value.asText());
    }

    private static Mapping.LabelTiming timing(JsonNode root) {
        if (root.has("label_time")) {
            return new Mapping.LabelAt(timeColumn(object(root, "label_time"), "label_time"));
        }
        if (root.has("label_delay")) {
            String text = optionalText(root, "label_delay");
            try {
                return new Mapping.LabelDelay("0".equals(text) ? Duration.ZERO : Duration.parse(text));
            } catch (DateTimeParseException | NullPointerException e) {
                throw new IllegalArgumentException("label_delay must be an ISO-8601 duration such as PT1M or PT0S, was '" + text + "'");
            }
        }
        if (root.has("label_delay_minutes")) {
            JsonNode node = object(root, "label_delay_minutes");
            onlyKeys(node, "label_delay_minutes", Set.of("terms", "at_least"));
            List<Mapping.LabelDelayMinutes.Term> terms = new ArrayList<>();
            for (JsonNode term : node.path("terms")) {
                onlyKeys(term, "label_delay_minutes.terms", Set.of("column", "times"));
                terms.add(new Mapping.LabelDelayMinutes.Term(optionalText(term, "column"), term.path("times").asDouble()));
            }
            return new Mapping.LabelDelayMinutes(terms, node.path("at_least").asDouble());
        }
        return null;
    }

    static void write(Mapping mapping, Path file) {
        try {
            Files.writeString(file, toJson(mapping));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mapping file " + file, e);
        }
    }

    static String toJson(Mapping m) {
        ObjectNode root = JSON.createObjectNode();
        if (m.description() != null) {
            root.put("description", m.description());
        }
        ObjectNode id = root.putObject("id").put("column", m.id().column());
        if (!m.id().prefix().isEmpty()) {
            id.put("prefix", m.id().prefix());
        }
        root.set("event_time", timeColumn(m.eventTime()));
        if (m.entity() != null) {
            root.put("entity", m.entity());
        }
        ObjectNode attributes = root.putObject("attributes");
        m.attributes().forEach((name, a) -> {
            if (a.column().equals(name)) {
                attributes.put(name, a.type().jsonName());
            } else {
                attributes.putObject(name).put("column", a.column()).put("type", a.type().jsonName());
            }
        });
        if (m.label() != null) {
            ObjectNode label = root.putObject("label").put("column", m.label().column());
            if (m.label().hasCondition()) {
                label.put("op", m.label().op()).put("value", m.label().value());
            }
        }
        if (m.labelTiming() instanceof Mapping.LabelAt at) {
            root.set("label_time", timeColumn(at.time()));
        } else if (m.labelTiming() instanceof Mapping.LabelDelay delay) {
            root.put("label_delay", delay.delay().toString());
        } else if (m.labelTiming() instanceof Mapping.LabelDelayMinutes minutes) {
            ObjectNode node = root.putObject("label_delay_minutes");
            ArrayNode terms = node.putArray("terms");
            minutes.terms().forEach(t -> terms.addObject().put("column", t.column()).put("times", t.times()));
            node.put("at_least", minutes.atLeast());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }

    private static ObjectNode timeColumn(Mapping.TimeColumn time) {
        ObjectNode node = JSON.createObjectNode().put("column", time.column());
        if (time.format().formatName() != null) {
            node.put("format", time.format().formatName());
        }
        if (!time.format().zone().equals(TimeFormat.UTC)) {
            node.put("zone", time.format().zone().getId());
        }
        return node;
    }

    private static JsonNode object(JsonNode parent, String key) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException(key + " is required");
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(key + " must be a JSON object");
        }
        return node;
    }

    private static String optionalText(JsonNode parent, String key) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return node.asText();
    }

    private static void onlyKeys(JsonNode node, String where, Set<String> allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown key '" + name + "' in " + where + "; expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }
}
