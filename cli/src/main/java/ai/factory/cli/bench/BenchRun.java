package ai.factory.cli.bench;

import static ai.factory.cli.JsonValues.finite;
import static ai.factory.cli.JsonValues.object;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * One run of {@code factory bench}: the command, when, on what machine, and each benchmark's result with its wall
 * time. Saved as JSON ({@code bench-<date>.json}); {@link BenchMarkdown} renders it.
 *
 * @param date ISO-8601 instant the run started
 */
public record BenchRun(String command, String date, Machine machine, double wallSeconds, List<Part> parts) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchRun {
        parts = List.copyOf(parts);
    }

    /** One benchmark's result and how long it took, broker start not included. */
    public record Part(BenchResult result, double wallSeconds) {
    }

    /**
     * The machine a run was measured on.
     *
     * @param memoryBytes physical memory, or 0 when the JVM cannot tell
     * @param cpu         the CPU model from /proc/cpuinfo, or null where there is none
     * @param loadAverage the system load average over the last minute when the run started (what else was running),
     *                    or NaN where the JVM cannot tell
     */
    public record Machine(int cores, long memoryBytes, String os, String jvm, String cpu, double loadAverage) {

        /** This machine, as the JVM sees it now. */
        public static Machine current() {
            var bean = ManagementFactory.getOperatingSystemMXBean();
            long memory = bean instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
            double load = bean.getSystemLoadAverage();
            return new Machine(Runtime.getRuntime().availableProcessors(), memory,
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    cpuModel(Path.of("/proc/cpuinfo")).orElse(null), load < 0 ? Double.NaN : load);
        }

        static Optional<String> cpuModel(Path cpuinfo) {
            if (!Files.isReadable(cpuinfo)) {
                return Optional.empty();
            }
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
            } catch (IOException | java.io.UncheckedIOException e) {
                return Optional.empty();
            }
        }
    }

    /** The run as a JSON document. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("date", date);
        json.put("machine", object("cores", machine.cores(), "memory_bytes", machine.memoryBytes(), "os", machine.os(),
                "jvm", machine.jvm(), "cpu", machine.cpu(), "load_average_1m", finite(machine.loadAverage())));
        json.put("wall_s", finite(wallSeconds));
        List<Object> benches = new ArrayList<>();
        for (Part part : parts) {
            BenchResult r = part.result();
            List<Object> figures = new ArrayList<>();
            for (Figure f : r.figures()) {
                figures.add(object("name", f.name(), "value", finite(f.value()), "unit", f.unit(),
                        "baseline", f.baseline(), "baseline_value", f.baselineValue() == null ? null : finite(f.baselineValue()),
                        "ratio", f.ratio() == null ? null : finite(f.ratio()),
                        "target", f.target() == null ? null : object(f.target().atLeast() ? "at_least" : "at_most", f.target().limit()),
                        "target_met", f.targetMet()));
            }
            benches.add(object("name", r.name(), "about", r.about(), "settings", r.settings(), "wall_s", finite(part.wallSeconds()),
                    "figures", figures, "notes", r.notes()));
        }
        json.put("benches", benches);
        try {
            return JSON.writeValueAsString(json) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the run as JSON", e);
        }
    }

    /** The run a JSON document of {@link #toJson()} holds; ratios and target_met are derived again, not read. */
    public static BenchRun fromJson(String text) throws IOException {
        JsonNode root = JSON.readTree(text);
        JsonNode m = root.path("machine");
        Machine machine = new Machine(m.path("cores").asInt(), m.path("memory_bytes").asLong(), m.path("os").asText(),
                m.path("jvm").asText(), m.path("cpu").isTextual() ? m.path("cpu").asText() : null, number(m.path("load_average_1m")));
        List<Part> parts = new ArrayList<>();
        for (JsonNode b : root.path("benches")) {
            Map<String, String> settings = new LinkedHashMap<>();
            b.path("settings").properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
            List<Figure> figures = new ArrayList<>();
            for (JsonNode f : b.path("figures")) {
                JsonNode t = f.path("target");
                Target target = t.has("at_least") ? Target.atLeast(t.get("at_least").asDouble())
                        : t.has("at_most") ? Target.atMost(t.get("at_most").asDouble()) : null;
                figures.add(new Figure(f.path("name").asText(), number(f.path("value")), f.path("unit").asText(),
                        f.path("baseline").isTextual() ? f.path("baseline").asText() : null,
                        f.path("baseline_value").isNumber() ? f.path("baseline_value").asDouble() : null, target));
            }
            List<String> notes = new ArrayList<>();
            b.path("notes").forEach(n -> notes.add(n.asText()));
            parts.add(new Part(new BenchResult(b.path("name").asText(), b.path("about").asText(), settings, figures, notes),
                    number(b.path("wall_s"))));
        }
        return new BenchRun(root.path("command").asText(), root.path("date").asText(), machine, number(root.path("wall_s")), parts);
    }

    public static BenchRun read(Path file) throws IOException {
        return fromJson(Files.readString(file));
    }

    /** Writes the run to {@code dir/bench-<date>.json} (the folder created if need be) and returns the file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("bench-" + date.replace(':', '-') + ".json");
        Files.writeString(file, toJson());
        return file;
    }

    private static double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : Double.NaN;
    }
}
