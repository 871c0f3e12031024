package ai.factory.init;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.factory.replay.Mapping;
import ai.factory.replay.RowMapper;
import ai.factory.replay.RowReader;
import ai.factory.replay.TimeFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The rules of {@code factory init}: from a sample of someone's data and the roles they named, a mapping (how rows
 * become events and feedback) and a starter feature spec, with one line per column saying what was chosen and why.
 * Every rule is written down in docs/init.md; every choice can be changed by editing the two files.
 */
public final class Inference {

    /** Integer columns with at most this many values are categories (codes, ratings, counts of few values). */
    static final int FEW_VALUES = 20;
    /** A text column whose share of distinct values is above this is an identifier or free text. */
    static final double NEAR_UNIQUE = 0.5;
    /** Text longer than this is free text, not a category. */
    static final int LONG_TEXT = 200;
    /** A column that ranks a binary label this well (or this badly) is probably known only after the outcome. */
    static final double LEAK_AUC = 0.98;
    /**
     * A column that explains this share of a numeric label's variance on its own is probably derived from it (a
     * quake's significance from its magnitude, say); no honest single input explains this much of a noisy label.
     */
    static final double LEAK_R2 = 0.8;
    /** An entity needs this many rows per value on average for its aggregates to have a history. */
    static final double ROWS_PER_ENTITY = 5;
    /** Windows are sized to hold about this many of an entity's events on average. */
    static final double EVENTS_PER_WINDOW = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the person said; null where they left it to the inference.
     *
     * @param label      a column, or a condition on one ({@code rating>=4})
     * @param labelTime  a column holding the time each label became known
     * @param labelDelay a fixed delay from event to label (zero allowed)
     * @param exclude    columns never to use
     * @param name       spec and model name (default: from the file name)
     */
    public record Choices(String label, String time, String id, String entity, String task, String labelTime,
                          Duration labelDelay, List<String> exclude, String name, ZoneId zone) {
        public Choices {
            exclude = exclude == null ? List.of() : List.copyOf(exclude);
            zone = zone == null ? ZoneId.of("UTC") : zone;
            if (labelTime != null && labelDelay != null) {
                throw new IllegalArgumentException("give --label-time or --label-delay, not both");
            }
        }
    }

    /** The two files' contents and what to tell the person. */
    public record Result(Mapping mapping, ObjectNode spec, List<String> report) {
    }

    private final DataSample sample;
    private final Choices choices;
    private final List<String> report = new ArrayList<>();
    private final Map<String, String> names;

    private Inference(DataSample sample, Choices choices) {
        this.sample = sample;
        this.choices = choices;
        this.names = Names.forColumns(sample.columns().keySet());
    }

    /** Infers the mapping and the spec. */
    public static Result infer(DataSample sample, Choices choices) {
        return new Inference(sample, choices).run();
    }

    private Result run() {
        String name = choices.name() != null ? Names.clean(choices.name())
                : Names.forFile(sample.file().getFileName().toString());
        for (String excluded : choices.exclude()) {
            sample.column(excluded);
        }
        // Roles first: they decide how rows map, and the mapped sample then gives labels, times and delays.
        TimeChoice time = eventTime();
        Mapping.Label label = Mapping.Label.parse(choices.label() != null ? choices.label() : guessLabel());
        sample.column(label.column());
        String id = choices.id() != null ? sample.column(choices.id()).name() : "#row";
        String description = "Made by factory init from " + sample.file().getFileName() + "; edit freely.";
        Mapping.Id idColumn = new Mapping.Id(id, id.equals("#row") ? name + "-" : "");
        Mapping.TimeColumn eventTime = new Mapping.TimeColumn(time.column(), time.format());
        Mapping.LabelTiming timing = choices.labelTime() != null
                ? new Mapping.LabelAt(new Mapping.TimeColumn(choices.labelTime(), timeOf(choices.labelTime()).format()))
                : new Mapping.LabelDelay(choices.labelDelay() == null ? Duration.ZERO : choices.labelDelay());
        Mapping roles = new Mapping(description, idColumn, eventTime, null, Map.of(), label, timing);
        Mapped mapped = mapSample(roles);
        String task = task(label, mapped.labels());
        describeRoles(time, label, id, task, mapped);

        Set<String> roleColumns = new java.util.HashSet<>(Set.of(time.column(), label.column()));
        if (!id.equals("#row")) {
            roleColumns.add(id);
        }
        if (choices.labelTime() != null) {
            roleColumns.add(choices.labelTime());
        }
        List<Candidate> candidates = new ArrayList<>();
        List<Candidate> leaks = new ArrayList<>();
        for (ColumnProfile column : sample.columns().values()) {
            if (roleColumns.contains(column.name())) {
                continue;
            }
            if (choices.exclude().contains(column.name())) {
                line(column, "skipped", "excluded by --exclude");
                continue;
            }
            Candidate c = candidate(column, mapped);
            if (c == null) {
                continue;
            }
            if (c.leak() != null) {
                leaks.add(c);
            } else {
                candidates.add(c);
            }
        }
        List<Candidate> categoricals = candidates.stream().filter(Candidate::categorical)
                .sorted(Comparator.comparingDouble(Candidate::strength).reversed()).toList();
        Candidate entity = entity(categoricals);

        ObjectNode spec = JSON.createObjectNode();
        spec.put("name", name).put("version", 1).put("sparse_buckets", 1 << 18).put("time_zone", choices.zone().getId());
        ObjectNode model = spec.putObject("model").put("name", name).put("task", task);
        double labelMean = Arrays.stream(mapped.labels()).average().orElse(0);
        if (task.equals("binary") && labelMean > 0 && labelMean < 1) {
            model.put("label_mean", round(labelMean));
        } else if (task.equals("regression")) {
            double mean = labelMean;
            double sd = Math.sqrt(Arrays.stream(mapped.labels()).map(v -> (v - mean) * (v - mean)).sum()
                    / Math.max(1, mapped.labels().length));
            model.put("label_mean", round(mean)).put("label_std", round(sd > 0 ? sd : 1));
        }
        ObjectNode attributes = spec.putObject("attributes");
        Map<String, Mapping.Attribute> mappedAttributes = new LinkedHashMap<>();
        int longest = 0;
        for (Candidate c : concat(candidates, leaks)) {
            mappedAttributes.put(c.attribute(), new Mapping.Attribute(c.column().name(), c.mappingType()));
            if (c.leak() == null) {
                attributes.putObject(c.attribute()).put("type", c.specType()).put("required", false);
            }
            longest = Math.max(longest, c.column().maxLength());
        }
        Mapping mapping = new Mapping(description, idColumn, eventTime, entity == null ? null : entity.column().name(),
                mappedAttributes, label, timing);
        spec.putObject("limits").put("max_string_length", Math.max(1024, 2 * longest));

        ArrayNode features = spec.putArray("features");
        for (Candidate c : candidates) {
            features.add(c.feature());
        }
        timeFeatures(features, mapped);
        cross(features, categoricals);
        if (entity != null) {
            entityAggregates(features, entity, mapped);
        } else {
            report.add("no entity: no categorical column repeats often enough (" + (int) ROWS_PER_ENTITY
                    + " rows per value) for per-entity window and label aggregates; name one with --entity");
        }
        return new Result(mapping, spec, List.copyOf(report));
    }

    // ---- roles -------------------------------------------------------------------------------------------------

    private record TimeChoice(String column, TimeFormat format, String reason) {
    }

    /** The event time: the named column, else the first column every sampled value of which reads as a time. */
    private TimeChoice eventTime() {
        if (choices.time() != null) {
            return timeOf(choices.time());
        }
        List<TimeChoice> found = new ArrayList<>();
        for (ColumnProfile column : sample.columns().values()) {
            if (column.present() == column.rows()) {
                TimeFormat.detect(column.samples()).ifPresent(d -> found.add(choice(column, d)));
            }
        }
        // A name that says time beats position: "updated" or "year" may read as times too.
        return found.stream().filter(t -> t.column().toLowerCase(Locale.ROOT).matches(".*(time|date|^ts$|timestamp).*"))
                .findFirst().or(() -> found.stream().findFirst())
                .orElseThrow(() -> new IllegalArgumentException("no column reads as a time in every sampled row; "
                        + "name the event time with --time COLUMN"));
    }

    private TimeChoice timeOf(String columnName) {
        ColumnProfile column = sample.column(columnName);
        return TimeFormat.detect(column.samples()).map(d -> choice(column, d))
                .orElseThrow(() -> new IllegalArgumentException("column '" + columnName + "' does not read as a time "
                        + "(ISO-8601, epoch seconds, milliseconds or microseconds), e.g. '"
                        + column.samples().stream().findFirst().orElse("") + "'; set event_time.format in the mapping"));
    }

    /** A detected format read in the chosen zone (detection reads zone-less times as UTC). */
    private TimeChoice choice(ColumnProfile column, TimeFormat.Detected d) {
        TimeFormat format = TimeFormat.parse(d.format().formatName(), choices.zone().getId());
        return new TimeChoice(column.name(), format, d.reason());
    }

    private String guessLabel() {
        for (ColumnProfile column : sample.columns().values()) {
            if (Set.of("label", "target", "y", "outcome", "class").contains(column.name().toLowerCase(Locale.ROOT))) {
                return column.name();
            }
        }
        throw new IllegalArgumentException("which column is the label? Name it with --label COLUMN, or a condition "
                + "such as --label 'rating>=4' (columns: " + String.join(", ", sample.columns().keySet()) + ")");
    }

    /** The sample mapped the way the replay will map it: labels, event times and label delays of the good rows. */
    private record Mapped(double[] labels, long[] times, long[] delays, List<Map<String, String>> rows, long bad,
                          String firstBad) {
    }

    private Mapped mapSample(Mapping mapping) {
        RowMapper mapper = new RowMapper(mapping, "init");
        List<Double> labels = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        List<Long> delays = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        long bad = 0;
        String firstBad = null;
        long n = 0;
        for (RowReader.Row row : sample.rows()) {
            n++;
            try {
                RowMapper.Mapped m = mapper.map(n, row.values());
                labels.add(m.feedback().getLabel());
                times.add(m.event().getEventTime().toEpochMilli());
                delays.add(m.feedback().getFeedbackTime().toEpochMilli() - m.event().getEventTime().toEpochMilli());
                rows.add(row.values());
            } catch (RowMapper.BadRowException e) {
                bad++;
                if (firstBad == null) {
                    firstBad = "line " + row.lineNumber() + ": " + e.getMessage();
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no sampled row maps to an event with a label (" + firstBad + ")");
        }
        return new Mapped(labels.stream().mapToDouble(Double::doubleValue).toArray(),
                times.stream().mapToLong(Long::longValue).toArray(), delays.stream().mapToLong(Long::longValue).toArray(),
                rows, bad, firstBad);
    }

    private String task(Mapping.Label label, double[] labels) {
        boolean zeroOne = Arrays.stream(labels).allMatch(v -> v == 0 || v == 1);
        if (choices.task() != null) {
            String task = choices.task().toLowerCase(Locale.ROOT);
            if (!task.equals("binary") && !task.equals("regression")) {
                throw new IllegalArgumentException("--task must be binary or regression, was '" + choices.task() + "'");
            }
            if (task.equals("binary") && !zeroOne) {
                throw new IllegalArgumentException("--task binary needs 0/1 labels, but '" + label.column()
                        + "' holds other values; give a condition such as --label '" + label.column() + ">=4'");
            }
            return task;
        }
        return zeroOne ? "binary" : "regression";
    }

    private void describeRoles(TimeChoice time, Mapping.Label label, String id, String task, Mapped mapped) {
        long first = Arrays.stream(mapped.times()).min().orElse(0);
        long last = Arrays.stream(mapped.times()).max().orElse(0);
        long outOfOrder = 0;
        for (int i = 1; i < mapped.times().length; i++) {
            if (mapped.times()[i] < mapped.times()[i - 1]) {
                outOfOrder++;
            }
        }
        report.add("sampled " + sample.rows().size() + " rows of " + sample.file().getFileName()
                + (sample.badLineCount() > 0 ? " (" + sample.badLineCount() + " unreadable, first " + sample.badLines().get(0) + ")" : "")
                + (mapped.bad() > 0 ? "; " + mapped.bad() + " rows do not map (first " + mapped.firstBad() + ")" : ""));
        // The detector names the range of the values it looked at; the whole sample's range follows.
        String format = time.reason().replaceAll(", \\S+ \\.\\. \\S+$", "");
        line(sample.column(time.column()), "event time", format + "; " + Instant.ofEpochMilli(first) + " .. "
                + Instant.ofEpochMilli(last) + (outOfOrder > 0 ? "; NOT sorted (" + outOfOrder
                + " rows go back in time): replay with --sort" : "; sorted"));
        double[] y = mapped.labels();
        double mean = Arrays.stream(y).average().orElse(0);
        line(sample.column(label.column()), "label", task.equals("binary")
                ? "binary" + (label.hasCondition() ? " (" + label.column() + " " + label.op() + " " + label.value() + ")" : "")
                        + ", " + percent(mean) + " positive"
                : "regression, mean " + round(mean) + ", std " + round(Math.sqrt(Arrays.stream(y)
                        .map(v -> (v - mean) * (v - mean)).sum() / y.length)) + " (the model serves mean + std * output)");
        long[] delays = mapped.delays().clone();
        Arrays.sort(delays);
        String delay = choices.labelTime() != null
                ? "label time from column '" + choices.labelTime() + "', delay median " + Duration.ofMillis(delays[delays.length / 2])
                : choices.labelDelay() == null || choices.labelDelay().isZero()
                ? "labels arrive with their events (no delay given: --label-delay DURATION or --label-time COLUMN)"
                : "labels arrive " + choices.labelDelay() + " after their events";
        report.add("  label timing: " + delay);
        if (id.equals("#row")) {
            report.add("  event id: the row number (no --id given)");
        } else {
            line(sample.column(id), "event id", "as given");
        }
    }

    // ---- columns -----------------------------------------------------------------------------------------------

    /**
     * A column that can become an attribute: its names, types, the feature made from it, how strongly it goes with
     * the label, and why it is held back when it looks like a leak.
     */
    private record Candidate(ColumnProfile column, String attribute, Mapping.AttributeType mappingType, String specType,
                             boolean categorical, ObjectNode feature, double strength, String leak) {
    }

    private Candidate candidate(ColumnProfile column, Mapped mapped) {
        String attribute = names.get(column.name());
        if (column.present() == 0) {
            line(column, "skipped", "always empty");
            return null;
        }
        if (column.distinct() == 1) {
            line(column, "skipped", "one value only (" + column.valueCounts().keySet().iterator().next() + ")");
            return null;
        }
        // Epoch numbers count too: a record's "updated" time is no feature (and often known only later).
        if (!column.bool() && TimeFormat.detect(column.samples()).isPresent()) {
            line(column, "skipped", "a time: only the event time makes time features");
            return null;
        }
        List<String> values = mapped.rows().stream().map(r -> r.get(column.name())).toList();
        double[] y = mapped.labels();
        boolean binary = Arrays.stream(y).allMatch(v -> v == 0 || v == 1);
        String missing = column.missing() > 0 ? ", " + percent((double) column.missing() / column.rows()) + " missing" : "";
        if (column.bool() || (column.numeric() && !(column.integral() && column.distinct() >= 0 && column.distinct() <= FEW_VALUES))) {
            boolean flag = column.bool();
            double[] x = values.stream().mapToDouble(v -> parse(v, flag)).toArray();
            // Non-negative with a tail far beyond the typical value (amounts, counts, durations): log1p first.
            boolean skewed = !flag && column.min() >= 0 && column.max() > 10 * Math.max(column.quantile(0.5), 1);
            double[] shaped = skewed ? Arrays.stream(x).map(v -> Double.isNaN(v) ? v : Math.log1p(v)).toArray() : x;
            double strength = Association.rSquared(shaped, y);
            String leak = leak(binary, strength, binary ? Association.auc(shaped, y) : Double.NaN);
            ObjectNode f = JSON.createObjectNode().put("name", attribute).put("kind", "numeric").put("attribute", attribute);
            ArrayNode transforms = f.putArray("transforms");
            if (skewed) {
                transforms.add("log1p");
            }
            if (!flag) {
                transforms.add("standardize");
                f.put("default", round(column.quantile(0.5)));
            }
            String why = flag ? "true/false as 1/0" : (skewed ? "log1p then standardize (skewed: max " + round(column.max())
                    + " > 10 x median " + round(column.quantile(0.5)) + ")" : "standardize (range " + round(column.min()) + " .. "
                    + round(column.max()) + ")") + "; missing -> median " + round(column.quantile(0.5));
            describe(column, attribute, flag ? "boolean" : "number", why + missing, strength, leak);
            return new Candidate(column, attribute, flag ? Mapping.AttributeType.BOOLEAN : Mapping.AttributeType.DOUBLE,
                    flag ? "boolean" : "number", false, f,
                    strength, leak);
        }
        if (!column.numeric()) {
            int distinct = column.distinct();
            if (distinct < 0 || (column.present() >= 50 && distinct > NEAR_UNIQUE * column.present())) {
                line(column, "skipped", column.distinctText() + " distinct of " + column.present()
                        + " values: an identifier or free text, not a category");
                return null;
            }
            if (column.maxLength() > LONG_TEXT) {
                line(column, "skipped", "text up to " + column.maxLength() + " characters: free text, not a category");
                return null;
            }
        }
        double strength = Association.etaSquared(values, y);
        // A category may well explain most of a number (the network that measured a quake): only a binary label
        // ranked almost perfectly by a category's mean is suspicious.
        String leak = binary ? leak(true, strength, Association.auc(Association.shrunkMeans(values, y), y)) : null;
        ObjectNode f = JSON.createObjectNode().put("name", attribute).put("kind", "categorical").put("attribute", attribute);
        Mapping.AttributeType type = column.numeric() ? Mapping.AttributeType.LONG : Mapping.AttributeType.STRING;
        describe(column, attribute, "category", (column.numeric() ? "a whole number with " + column.distinct() + " values"
                : column.distinct() + " values") + ", hashed; missing -> its own category" + missing, strength, leak);
        return new Candidate(column, attribute, type, column.numeric() ? "number" : "string", true, f, strength, leak);
    }

    private static String leak(boolean binary, double strength, double auc) {
        if (binary && (auc >= LEAK_AUC || auc <= 1 - LEAK_AUC)) {
            return "ranks the label almost perfectly in the sample (AUC " + round(auc) + ")";
        }
        if (!binary && strength >= LEAK_R2) {
            return "explains " + percent(strength) + " of the label's variance in the sample";
        }
        return null;
    }

    private void describe(ColumnProfile column, String attribute, String type, String why, double strength, String leak) {
        if (leak != null) {
            line(column, "held back", leak + ": probably known only after the outcome. It is in the mapping as '"
                    + attribute + "'; add it to the spec by hand if it is known when the event happens");
        } else {
            line(column, type + " -> " + attribute, why + "; strength " + round(strength));
        }
    }

    private Candidate entity(List<Candidate> categoricals) {
        if (choices.entity() != null) {
            ColumnProfile column = sample.column(choices.entity());
            Candidate named = categoricals.stream().filter(c -> c.column() == column).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--entity " + choices.entity()
                            + " is not a categorical column of this data (see the lines above)"));
            report.add("  entity: " + column.name() + " (as given)");
            return named;
        }
        Optional<Candidate> best = categoricals.stream()
                .filter(c -> c.column().distinct() >= 2 && c.column().present() >= ROWS_PER_ENTITY * c.column().distinct())
                .findFirst();
        best.ifPresent(c -> report.add("  entity: " + c.column().name() + " (the strongest categorical with at least "
                + (int) ROWS_PER_ENTITY + " rows per value: " + c.column().distinct() + " values, strength "
                + round(c.strength()) + ")"));
        return best.orElse(null);
    }

    // ---- derived features --------------------------------------------------------------------------------------

    private void timeFeatures(ArrayNode features, Mapped mapped) {
        boolean datesOnly = Arrays.stream(mapped.times()).allMatch(t -> Instant.ofEpochMilli(t).atZone(choices.zone())
                .toLocalTime().toSecondOfDay() == 0);
        if (datesOnly) {
            features.add(time("weekday", "day_of_week", "cyclic"));
            features.add(time("weekday_cat", "day_of_week", "categorical"));
            features.add(time("month", "month_of_year", "cyclic"));
            report.add("  time features: weekday (cyclic and as a category) and month: the times are dates without a time of day");
        } else {
            features.add(time("hour", "hour_of_day", "cyclic"));
            features.add(time("hour_cat", "hour_of_day", "categorical"));
            features.add(time("weekday", "day_of_week", "cyclic"));
            features.add(time("weekday_cat", "day_of_week", "categorical"));
            report.add("  time features: hour of day and weekday, each cyclic (sin/cos) and as a category");
        }
    }

    private static ObjectNode time(String name, String part, String encoding) {
        return JSON.createObjectNode().put("name", name).put("kind", "time").put("part", part).put("encoding", encoding);
    }

    private void cross(ArrayNode features, List<Candidate> categoricals) {
        if (categoricals.size() < 2) {
            report.add("  cross: none (fewer than two categorical columns)");
            return;
        }
        Candidate a = categoricals.get(0);
        Candidate b = categoricals.get(1);
        String name = a.attribute() + "_x_" + b.attribute();
        features.add(JSON.createObjectNode().put("name", name).put("kind", "cross")
                .set("of", JSON.createArrayNode().add(a.attribute()).add(b.attribute())));
        report.add("  cross: " + name + " (the two strongest categoricals)");
    }

    private void entityAggregates(ArrayNode features, Candidate entity, Mapped mapped) {
        long first = Arrays.stream(mapped.times()).min().orElse(0);
        long last = Arrays.stream(mapped.times()).max().orElse(0);
        double perEntityGap = (double) (last - first) * entity.column().distinct() / mapped.times().length;
        Duration window = WindowLength.atLeast(Duration.ofMillis((long) (perEntityGap * EVENTS_PER_WINDOW)));
        long[] delays = mapped.delays().clone();
        Arrays.sort(delays);
        Duration p90Delay = Duration.ofMillis(delays[(int) Math.min(delays.length - 1, Math.floor(0.9 * delays.length))]);
        Duration fourDelays = p90Delay.multipliedBy(4);
        Duration labelWindow = WindowLength.atLeast(window.compareTo(fourDelays) >= 0 ? window : fourDelays);
        String e = entity.attribute();
        String events = e + "_events_" + WindowLength.suffix(window);
        features.add(JSON.createObjectNode().put("name", events).put("kind", "window").put("key", e)
                .put("window", window.toString()).put("aggregate", "count").set("transforms", JSON.createArrayNode().add("log1p")));
        String mean = e + "_label_mean_" + WindowLength.suffix(labelWindow);
        String count = e + "_labels_" + WindowLength.suffix(labelWindow);
        features.add(JSON.createObjectNode().put("name", mean).put("kind", "feedback").put("key", e)
                .put("window", labelWindow.toString()).put("aggregate", "mean"));
        features.add(JSON.createObjectNode().put("name", count).put("kind", "feedback").put("key", e)
                .put("window", labelWindow.toString()).put("aggregate", "count").set("transforms", JSON.createArrayNode().add("log1p")));
        report.add("  window: " + events + " = other events of the same " + e + " in the last " + WindowLength.suffix(window)
                + " (about " + (int) EVENTS_PER_WINDOW + " on average in the sample), log1p");
        report.add("  labels: " + mean + " and " + count + " = mean and count of the labels of the same " + e
                + " that arrived in the last " + WindowLength.suffix(labelWindow) + " (at least 4 x the 90th percentile label delay, "
                + (p90Delay.isZero() ? "none" : p90Delay.toString().substring(2).toLowerCase(Locale.ROOT)) + "), before the event");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private void line(ColumnProfile column, String role, String why) {
        report.add(String.format(Locale.ROOT, "  %-28s %-36s %s", quoteIfSpaced(column.name()), role, why));
    }

    private static String quoteIfSpaced(String name) {
        return name.contains(" ") ? "'" + name + "'" : name;
    }

    private static double parse(String v, boolean flag) {
        if (v == null || v.isBlank()) {
            return Double.NaN;
        }
        if (flag) {
            return v.trim().equalsIgnoreCase("true") ? 1 : 0;
        }
        Double d = ColumnProfile.number(v.trim());
        return d == null ? Double.NaN : d;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static double round(double x) {
        if (x == 0 || !Double.isFinite(x)) {
            return x;
        }
        double scale = Math.pow(10, 3 - Math.ceil(Math.log10(Math.abs(x))));
        return Math.round(x * scale) / scale;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
