package ai.factory.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What one benchmark measured: its figures, each next to the baseline it is compared with (measured in the same run)
 * and the ratio to it, plus the settings it ran with and notes. Every benchmark of every module returns one; the
 * command line prints it, writes it as JSON and renders it as Markdown.
 *
 * @param name     short name, as in {@code factory bench NAME}
 * @param about    one sentence: what is measured, against what
 * @param settings the sizes and settings of the run, in order
 */
public record BenchResult(String name, String about, Map<String, String> settings, List<Figure> figures, List<String> notes) {

    public BenchResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(about, "about");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        figures = List.copyOf(figures);
        notes = List.copyOf(notes);
    }

    /**
     * A target for a figure: on its ratio to the baseline when it has one, else on its value.
     *
     * @param atLeast true for "at least {@code limit}", false for "at most"
     */
    public record Target(boolean atLeast, double limit) {

        public static Target atLeast(double limit) {
            return new Target(true, limit);
        }

        public static Target atMost(double limit) {
            return new Target(false, limit);
        }

        public boolean metBy(double x) {
            return atLeast ? x >= limit : x <= limit;
        }

        @Override
        public String toString() {
            // Four significant digits: a target derived from another figure (a ratio) need not print sixteen.
            return (atLeast ? "≥ " : "≤ ")
                    + new java.math.BigDecimal(limit, new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        }
    }

    /**
     * One measured figure.
     *
     * @param baseline      what it is compared with, or null when it stands alone (latencies, for instance)
     * @param baselineValue the baseline's value in the same unit, measured in the same run, or null
     * @param target        the target the issue states for it, or null
     */
    public record Figure(String name, double value, String unit, String baseline, Double baselineValue, Target target) {

        public Figure {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unit, "unit");
            if ((baseline == null) != (baselineValue == null)) {
                throw new IllegalArgumentException("a baseline needs both a name and a value: " + name);
            }
        }

        /** A figure without a baseline. */
        public static Figure of(String name, double value, String unit) {
            return new Figure(name, value, unit, null, null, null);
        }

        /** A figure next to the baseline it is compared with. */
        public static Figure against(String name, double value, String unit, String baseline, double baselineValue) {
            return new Figure(name, value, unit, baseline, baselineValue, null);
        }

        public Figure withTarget(Target t) {
            return new Figure(name, value, unit, baseline, baselineValue, t);
        }

        /** Value over baseline value, or null without a baseline (or with a zero one). */
        public Double ratio() {
            return baselineValue == null || baselineValue == 0 ? null : value / baselineValue;
        }

        /** Whether the target is met, or null without a target (or without the ratio it is about). */
        public Boolean targetMet() {
            if (target == null) {
                return null;
            }
            Double x = baseline == null ? Double.valueOf(value) : ratio();
            return x == null || !Double.isFinite(x) ? null : target.metBy(x);
        }
    }

    /** Collects the figures and notes of a run. */
    public static final class Builder {
        private final String name;
        private final String about;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<Figure> figures = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        private Builder(String name, String about) {
            this.name = name;
            this.about = about;
        }

        public Builder setting(String key, Object value) {
            settings.put(key, String.valueOf(value));
            return this;
        }

        public Builder figure(Figure figure) {
            figures.add(figure);
            return this;
        }

        public Builder note(String note) {
            notes.add(note);
            return this;
        }

        public BenchResult build() {
            return new BenchResult(name, about, settings, figures, notes);
        }
    }

    public static Builder builder(String name, String about) {
        return new Builder(name, about);
    }

    /** The result as a plain-text table, as the benchmarks print it. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(name).append(": ").append(about).append('\n');
        if (!settings.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            settings.forEach((k, v) -> pairs.add(k + " " + v));
            out.append("  ").append(String.join(", ", pairs)).append('\n');
        }
        int width = figures.stream().mapToInt(f -> f.name().length()).max().orElse(0);
        for (Figure f : figures) {
            out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s %s", f.name(), number(f.value()), f.unit()));
            if (f.baseline() != null) {
                out.append(String.format(Locale.ROOT, "; %s %s: ratio %s", f.baseline(), number(f.baselineValue()),
                        f.ratio() == null ? "-" : String.format(Locale.ROOT, "%.3f", f.ratio())));
            }
            if (f.target() != null) {
                Boolean met = f.targetMet();
                out.append(" (target ").append(f.target()).append(met == null ? "" : met ? ", met" : ", MISSED").append(')');
            }
            out.append('\n');
        }
        for (String note : notes) {
            out.append("  note: ").append(note).append('\n');
        }
        return out.toString();
    }

    /**
     * Numbers as people read them: grouped thousands for large values, counts without decimals, three significant
     * digits for small ones.
     */
    public static String number(double x) {
        if (!Double.isFinite(x)) {
            return String.valueOf(x);
        }
        if (x == 0) {
            // -0.0 too, which the formats below print as "-0".
            return "0";
        }
        double abs = Math.abs(x);
        if (abs >= 100 || x == Math.rint(x)) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", x);
        }
        return String.format(Locale.ROOT, "%.3g", x);
    }
}
