package ai.factory.ingest.spec;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ai.factory.ingest.spec.AttributeRule.AttributeType;
import ai.factory.ingest.spec.FeatureDefinition.Aggregate;
import ai.factory.ingest.spec.FeatureDefinition.Categorical;
import ai.factory.ingest.spec.FeatureDefinition.Cross;
import ai.factory.ingest.spec.FeatureDefinition.FeedbackAggregate;
import ai.factory.ingest.spec.FeatureDefinition.Numeric;
import ai.factory.ingest.spec.FeatureDefinition.Time;
import ai.factory.ingest.spec.FeatureDefinition.TimeEncoding;
import ai.factory.ingest.spec.FeatureDefinition.TimePart;
import ai.factory.ingest.spec.FeatureDefinition.WindowAggregate;
import ai.factory.target.ModelTarget;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a feature spec from JSON and checks it as a whole (unique names, declared attributes, known
 * kinds), so a broken spec fails when the job is built, never on the first event.
 */
public final class FeatureSpecParser {

    /** Prefix of a spec location inside the classpath, e.g. {@code classpath:specs/flights.json}. */
    public static final String CLASSPATH = ModelTarget.CLASSPATH;

    private static final ObjectMapper JSON = new ObjectMapper();

    private FeatureSpecParser() {
    }

    /** Loads a spec from a file path or a {@code classpath:} location. */
    public static FeatureSpec load(String location) {
        try {
            return parse(ModelTarget.specText(location));
        } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
            throw e instanceof SpecException s ? s : new SpecException(e.getMessage(), e);
        }
    }

    /** Parses and checks a spec. */
    public static FeatureSpec parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SpecException("feature spec is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SpecException("feature spec must be a JSON object");
        }
        String name = text(root, "name", "spec");
        int version = integer(root, "version", "spec", null);
        if (version < 1) {
            throw new SpecException("spec.version must be >= 1");
        }
        int sparseBuckets = integer(root, "sparse_buckets", "spec", 1 << 18);
        if (sparseBuckets < 2) {
            throw new SpecException("spec.sparse_buckets must be >= 2");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(root.path("time_zone").asText("UTC"));
        } catch (java.time.DateTimeException e) {
            throw new SpecException("spec.time_zone is not a time zone: " + root.path("time_zone").asText(), e);
        }
        Map<String, AttributeRule> attributes = attributes(root.path("attributes"));
        Limits limits = limits(root.path("limits"));
        List<FeatureDefinition> features = new ArrayList<>();
        for (JsonNode node : array(root, "features", "spec")) {
            features.add(feature(node, features.size()));
        }
        if (features.isEmpty()) {
            throw new SpecException("spec.features is empty");
        }
        FeatureSpec spec = new FeatureSpec(name, version, sparseBuckets, zone, attributes, limits, features,
                model(root));
        check(spec);
        return spec;
    }

    /** The model section; absent, a binary model named after the spec (the flights specs predate the section). */
    private static ModelTarget model(JsonNode root) {
        try {
            return ModelTarget.of(root);
        } catch (IllegalArgumentException e) {
            throw new SpecException(e.getMessage(), e);
        }
    }

    private static Map<String, AttributeRule> attributes(JsonNode node) {
        Map<String, AttributeRule> rules = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return rules;
        }
        if (!node.isObject()) {
            throw new SpecException("spec.attributes must be an object of attribute name -> {type, required}");
        }
        node.properties().forEach(entry -> {
            String where = "attributes." + entry.getKey();
            AttributeType type = enumValue(AttributeType.class, text(entry.getValue(), "type", where), where + ".type");
            rules.put(entry.getKey(), new AttributeRule(type, entry.getValue().path("required").asBoolean(false)));
        });
        return rules;
    }

    private static Limits limits(JsonNode node) {
        Limits d = Limits.defaults();
        if (node.isMissingNode()) {
            return d;
        }
        Instant earliest = d.earliestEventTime();
        if (node.has("earliest_event_time")) {
            try {
                earliest = Instant.parse(node.get("earliest_event_time").asText());
            } catch (DateTimeParseException e) {
                throw new SpecException("limits.earliest_event_time is not an ISO instant", e);
            }
        }
        Duration ahead = node.has("max_ahead_of_wall_clock")
                ? duration(node, "max_ahead_of_wall_clock", "limits") : d.maxAheadOfWallClock();
        return new Limits(
                integer(node, "max_record_bytes", "limits", d.maxRecordBytes()),
                integer(node, "max_attributes", "limits", d.maxAttributes()),
                integer(node, "max_string_length", "limits", d.maxStringLength()),
                earliest, ahead);
    }

    private static FeatureDefinition feature(JsonNode node, int index) {
        String where = "features[" + index + "]";
        String name = text(node, "name", where);
        where = "feature " + name;
        String kind = text(node, "kind", where);
        return switch (kind) {
            case "numeric" -> new Numeric(name, text(node, "attribute", where), transforms(node.path("transforms"), where),
                    node.path("default").asDouble(0.0));
            case "categorical" -> new Categorical(name, text(node, "attribute", where), integer(node, "buckets", where, 0));
            case "cross" -> {
                List<JsonNode> of = array(node, "of", where);
                if (of.size() != 2) {
                    throw new SpecException(where + ": a cross combines exactly two categorical features");
                }
                yield new Cross(name, of.get(0).asText(), of.get(1).asText(), integer(node, "buckets", where, 0));
            }
            case "time" -> new Time(name, enumValue(TimePart.class, text(node, "part", where), where + ".part"),
                    enumValue(TimeEncoding.class, node.path("encoding").asText("value"), where + ".encoding"));
            case "window" -> {
                Aggregate aggregate = enumValue(Aggregate.class, text(node, "aggregate", where), where + ".aggregate");
                String attribute = node.hasNonNull("attribute") ? node.get("attribute").asText() : null;
                if (aggregate != Aggregate.COUNT && attribute == null) {
                    throw new SpecException(where + ": " + aggregate.name().toLowerCase(Locale.ROOT) + " needs an attribute");
                }
                yield new WindowAggregate(name, text(node, "key", where), duration(node, "window", where), aggregate, attribute,
                        statelessTransforms(node.path("transforms"), where));
            }
            case "feedback" -> new FeedbackAggregate(name, text(node, "key", where), duration(node, "window", where),
                    enumValue(Aggregate.class, text(node, "aggregate", where), where + ".aggregate"),
                    statelessTransforms(node.path("transforms"), where));
            default -> throw new SpecException(where + ": unknown kind '" + kind
                    + "' (numeric, categorical, cross, time, window, feedback)");
        };
    }

    private static List<NumericTransform> transforms(JsonNode node, String where) {
        List<NumericTransform> transforms = new ArrayList<>();
        if (node.isMissingNode()) {
            return transforms;
        }
        if (!node.isArray()) {
            throw new SpecException(where + ".transforms must be an array");
        }
        for (JsonNode step : node) {
            if (step.isTextual() && step.asText().equals("log1p")) {
                transforms.add(NumericTransform.log1p());
            } else if (step.isTextual() && step.asText().equals("standardize")) {
                transforms.add(NumericTransform.standardize());
            } else if (step.isObject() && step.has("clip")) {
                JsonNode clip = step.get("clip");
                if (!clip.path("min").isNumber() || !clip.path("max").isNumber()) {
                    throw new SpecException(where + ": clip needs numeric min and max");
                }
                transforms.add(NumericTransform.clip(clip.get("min").asDouble(), clip.get("max").asDouble()));
            } else {
                throw new SpecException(where + ": unknown transform " + step + " (log1p, {\"clip\":{min,max}}, standardize)");
            }
        }
        for (int i = 0; i < transforms.size() - 1; i++) {
            if (transforms.get(i).kind() == NumericTransform.Kind.STANDARDIZE) {
                throw new SpecException(where + ": standardize must be the last transform");
            }
        }
        return transforms;
    }

    /** Transforms of an aggregate: log1p and clip only (running statistics of an aggregate are not kept). */
    private static List<NumericTransform> statelessTransforms(JsonNode node, String where) {
        List<NumericTransform> transforms = transforms(node, where);
        if (transforms.stream().anyMatch(t -> t.kind() == NumericTransform.Kind.STANDARDIZE)) {
            throw new SpecException(where + ": window and feedback features take log1p and clip, not standardize");
        }
        return transforms;
    }

    /** Cross-feature checks: unique names, declared attributes of the right type, crosses of categoricals. */
    private static void check(FeatureSpec spec) {
        Set<String> names = new HashSet<>();
        for (FeatureDefinition f : spec.features()) {
            if (!names.add(f.name())) {
                throw new SpecException("feature name used twice: " + f.name());
            }
            if (f instanceof Numeric n) {
                declared(spec, n.name(), n.attribute(), AttributeType.NUMBER, AttributeType.BOOLEAN);
            } else if (f instanceof Categorical c) {
                declared(spec, c.name(), c.attribute(), AttributeType.STRING, AttributeType.NUMBER, AttributeType.BOOLEAN);
            } else if (f instanceof Cross x) {
                categoricalSide(spec, x, x.left());
                categoricalSide(spec, x, x.right());
            } else if (f instanceof WindowAggregate w) {
                declared(spec, w.name(), w.key(), AttributeType.STRING, AttributeType.NUMBER, AttributeType.BOOLEAN);
                if (w.attribute() != null) {
                    declared(spec, w.name(), w.attribute(), AttributeType.NUMBER, AttributeType.BOOLEAN);
                }
                positive(w.name(), w.window());
            } else if (f instanceof FeedbackAggregate a) {
                declared(spec, a.name(), a.key(), AttributeType.STRING, AttributeType.NUMBER, AttributeType.BOOLEAN);
                positive(a.name(), a.window());
            }
        }
    }

    private static void categoricalSide(FeatureSpec spec, Cross cross, String side) {
        FeatureDefinition f = spec.feature(side);
        boolean categorical = f instanceof Categorical
                || (f instanceof Time t && t.encoding() == TimeEncoding.CATEGORICAL);
        if (!categorical) {
            throw new SpecException("feature " + cross.name() + ": '" + side
                    + "' is not a categorical feature of this spec (declare it before crossing it)");
        }
    }

    private static void declared(FeatureSpec spec, String feature, String attribute, AttributeType... allowed) {
        AttributeRule rule = spec.attributes().get(attribute);
        if (rule == null) {
            throw new SpecException("feature " + feature + " uses attribute '" + attribute
                    + "' which spec.attributes does not declare");
        }
        if (!List.of(allowed).contains(rule.type())) {
            throw new SpecException("feature " + feature + " cannot use " + rule.type() + " attribute '" + attribute + "'");
        }
    }

    private static void positive(String feature, Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new SpecException("feature " + feature + ": window must be positive");
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new SpecException(where + "." + field + " is required (a non-empty string)");
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String field, String where, Integer fallback) {
        JsonNode value = node.get(field);
        if (value == null) {
            if (fallback == null) {
                throw new SpecException(where + "." + field + " is required (an integer)");
            }
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new SpecException(where + "." + field + " must be an integer");
        }
        return value.asInt();
    }

    private static List<JsonNode> array(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new SpecException(where + "." + field + " is required (an array)");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    private static Duration duration(JsonNode node, String field, String where) {
        String text = text(node, field, where);
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new SpecException(where + "." + field + " is not an ISO-8601 duration (e.g. PT60M): " + text, e);
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String where) {
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpecException(where + ": unknown value '" + text + "', expected one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT), e);
        }
    }
}
