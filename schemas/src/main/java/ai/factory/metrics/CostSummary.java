package ai.factory.metrics;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;

/**
 * What the {@link CostMeters} of one process's registry add up to: per component its CPU and GPU seconds, its units,
 * and the CPU per unit: milliseconds per 1,000 events, predictions and examples, seconds per release. The dashboard's
 * Cost table and the demo report's {@code cost} section are this.
 *
 * @param processCpuSeconds the whole process's CPU time so far (NaN where the JVM does not tell): what the parts'
 *                          threads came to is a share of it; the rest is what no part owns (in the demo the embedded
 *                          broker, the Kafka clients' network threads, Flink's runtime, GC and JIT, the replay)
 */
public record CostSummary(List<Component> components, double processCpuSeconds) {

    /** The loop's order; components not listed here follow by name. */
    private static final List<String> ORDER = List.of(CostMeters.INGEST, CostMeters.SCORING, CostMeters.FEEDBACK,
            CostMeters.TRAINING);

    /** One component's totals; {@code units} by unit, in name order. */
    public record Component(String name, double cpuSeconds, double gpuSeconds, Map<String, Double> units) {

        /** CPU per unit of every unit: seconds per release, milliseconds per 1,000 of the others (NaN with none). */
        public List<Figure> figures() {
            List<Figure> figures = new ArrayList<>();
            units.forEach((unit, count) -> figures.add(Figure.of(unit, cpuSeconds, count)));
            return figures;
        }
    }

    /**
     * CPU per unit: {@code perOne}, seconds per unit (releases: each is seconds of work), else milliseconds per 1,000.
     */
    public record Figure(String unit, boolean perOne, double value) {

        static Figure of(String unit, double cpuSeconds, double count) {
            boolean perOne = unit.equals(CostMeters.RELEASES);
            double per = count <= 0 ? Double.NaN : cpuSeconds / count;
            return new Figure(unit, perOne, perOne ? per : per * 1e6);
        }

        /** The figure's name in JSON: {@code cpu_s_per_release}, {@code cpu_ms_per_1000_events}. */
        public String key() {
            return perOne ? "cpu_s_per_" + singular(unit) : "cpu_ms_per_1000_" + unit;
        }

        /** {@code 1.52 s/release}, {@code 12.3 ms/1k events}. */
        public String text() {
            return perOne ? String.format(Locale.ROOT, "%.2f s/%s", value, singular(unit))
                    : String.format(Locale.ROOT, "%.1f ms/1k %s", value, unit);
        }

        private static String singular(String unit) {
            return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
        }
    }

    /** The totals in {@code registry} now. */
    public static CostSummary of(MeterRegistry registry) {
        Map<String, double[]> seconds = new TreeMap<>();
        Map<String, Map<String, Double>> units = new TreeMap<>();
        each(registry, CostMeters.CPU, (component, meter) -> seconds.computeIfAbsent(component, c -> new double[2])[0] += value(meter));
        each(registry, CostMeters.GPU, (component, meter) -> seconds.computeIfAbsent(component, c -> new double[2])[1] += value(meter));
        each(registry, CostMeters.UNITS, (component, meter) -> units.computeIfAbsent(component, c -> new TreeMap<>())
                .merge(meter.getId().getTag("unit"), value(meter), Double::sum));
        List<Component> components = seconds.entrySet().stream()
                .map(e -> new Component(e.getKey(), e.getValue()[0], e.getValue()[1], units.getOrDefault(e.getKey(), Map.of())))
                .sorted(Comparator.comparingInt((Component c) -> ORDER.contains(c.name()) ? ORDER.indexOf(c.name()) : ORDER.size())
                        .thenComparing(Component::name))
                .toList();
        return new CostSummary(components, processCpuNow());
    }

    private static double processCpuNow() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? Double.NaN : nanos / 1e9;
        }
        return Double.NaN;
    }

    /** The CPU seconds of every part's threads together. */
    public double partsCpuSeconds() {
        return components.stream().mapToDouble(Component::cpuSeconds).sum();
    }

    private static void each(MeterRegistry registry, String name, BiConsumer<String, Meter> action) {
        for (Meter meter : registry.find(name).meters()) {
            String component = meter.getId().getTag("component");
            if (component != null) {
                action.accept(component, meter);
            }
        }
    }

    private static double value(Meter meter) {
        double total = 0;
        for (Measurement m : meter.measure()) {
            total += m.getValue();
        }
        return total;
    }

    /**
     * The JSON of the dashboard's {@code /api/cost} and the demo report's {@code cost}: the machine, then per component
     * {@code cpu_s}, {@code gpu_s}, {@code units} and {@code figures} ({@code cpu_ms_per_1000_events}, ...; null
     * without units).
     */
    public Map<String, Object> toJson(Machine machine) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Component c : components) {
            Map<String, Object> figures = new LinkedHashMap<>();
            c.figures().forEach(f -> figures.put(f.key(), Double.isFinite(f.value()) ? f.value() : null));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("component", c.name());
            row.put("cpu_s", c.cpuSeconds());
            row.put("gpu_s", c.gpuSeconds());
            row.put("units", c.units());
            row.put("figures", figures);
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine.toJson());
        json.put("process_cpu_s", Double.isFinite(processCpuSeconds) ? processCpuSeconds : null);
        json.put("parts_cpu_s", partsCpuSeconds());
        json.put("components", rows);
        return json;
    }

    /** The component named {@code name}, or null. */
    public Component component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * One line: {@code ingest 12.3 ms/1k events, scoring 8.1 ms/1k predictions, ..., training 250.1 ms/1k examples +
     * 1.52 s/release}.
     */
    public String describe() {
        String parts = String.format(Locale.ROOT, " (the parts' own threads: %.1f s CPU of the process's %.1f s)",
                partsCpuSeconds(), processCpuSeconds);
        return components.stream().map(c -> c.name() + " " + (c.units().isEmpty()
                ? String.format(Locale.ROOT, "%.1f s CPU, no units yet", c.cpuSeconds())
                : c.figures().stream().map(Figure::text).collect(Collectors.joining(" + "))))
                .collect(Collectors.joining(", ")) + parts;
    }
}
