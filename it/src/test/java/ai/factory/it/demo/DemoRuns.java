package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.cli.FactoryCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Runs {@code factory} commands in this JVM as the README does and reads the demo's JSON report. */
final class DemoRuns {

    /** The project folder: where the demo finds data/ and its defaults. */
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    private DemoRuns() {
    }

    /** {@code factory demo --speedup max ... --report}; fails unless it exits 0 (3 = not drained). */
    static JsonNode demo(Path dir, String... more) throws Exception {
        Path report = dir.resolve("report.json");
        System.setProperty("factory.home", HOME.toString());
        List<String> args = new ArrayList<>(List.of("demo", "--speedup", "max", "--ops-port", "0",
                "--drain-timeout", "180s", "--report", report.toString()));
        args.addAll(List.of(more));
        int exit = FactoryCli.run(args.toArray(String[]::new));
        assertThat(exit).as("demo exit code (3 = not drained)").isZero();
        return new ObjectMapper().readTree(Files.readString(report));
    }

    /** {@code factory ...} that prints JSON: fails unless it exits 0, returns what it printed. */
    static JsonNode json(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        // The command writes to standard output, as it does for a user.
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = FactoryCli.run(args);
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).as("factory %s", String.join(" ", args)).isZero();
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    /** {@code factory ...}; fails unless it exits 0. */
    static void factory(String... args) {
        assertThat(FactoryCli.run(args)).as("factory %s", String.join(" ", args)).isZero();
    }

    /**
     * Every event predicted once, every label an example or counted late (few), at least {@code servedShare} of the
     * examples carrying the prediction served for them, and a trained release serving.
     */
    static void assertCountsAddUp(JsonNode r, long events, double servedShare) {
        assertThat(r.path("events").asLong()).isEqualTo(events);
        assertThat(r.path("feedback").asLong()).as("every row has its outcome").isEqualTo(events);
        assertThat(r.path("predictions").asLong()).as("each event one prediction").isEqualTo(events);
        assertThat(r.path("prediction_records").asLong()).as("no event predicted twice").isEqualTo(events);
        // Each delivered label yields one example, unless it came after its join window: then it is late.
        assertThat(r.path("examples").asLong() + r.path("late_feedback").asLong()).isEqualTo(events);
        assertThat(r.path("late_feedback").asLong()).as("labels counted late").isLessThan(Math.max(1, events / 100));
        assertThat(r.path("examples_with_served_prediction").asLong())
                .as("examples carrying the prediction served for them")
                .isGreaterThanOrEqualTo((long) Math.ceil(servedShare * r.path("examples").asLong()));
        assertThat(r.path("model_releases").asLong()).isGreaterThan(1);
        assertThat(r.path("champion_version").asLong()).as("a trained release replaced the initial weights").isGreaterThan(1);
        assertThat(r.path("latency_ms").path("p50").isNumber()).isTrue();
        assertThat(r.path("freshness_s").path("p50").asDouble(-1)).as("label arrival to a release serving it").isPositive();
    }

    /**
     * Issue 19: every part measured its own CPU time and counted its units, so each figure is positive; on the CPU no
     * GPU time; the machine named.
     */
    static void assertCostOfEveryPart(JsonNode r) {
        JsonNode cost = r.path("cost");
        assertThat(cost.path("machine").path("cores").asInt()).isPositive();
        assertThat(cost.path("machine").path("heap_max_bytes").asLong()).isPositive();
        Map<String, JsonNode> parts = new LinkedHashMap<>();
        cost.path("components").forEach(c -> parts.put(c.path("component").asText(), c));
        assertThat(parts).containsOnlyKeys("ingest", "scoring", "feedback", "training");
        Map<String, List<String>> figures = Map.of("ingest", List.of("cpu_ms_per_1000_events"),
                "scoring", List.of("cpu_ms_per_1000_predictions"), "feedback", List.of("cpu_ms_per_1000_examples"),
                "training", List.of("cpu_ms_per_1000_examples", "cpu_s_per_release"));
        figures.forEach((part, keys) -> {
            JsonNode c = parts.get(part);
            assertThat(c.path("cpu_s").asDouble()).as(part + " CPU seconds").isPositive();
            assertThat(c.path("gpu_s").asDouble(-1)).as(part + " GPU seconds on the CPU").isZero();
            keys.forEach(key -> assertThat(c.path("figures").path(key).asDouble(-1)).as(part + " " + key).isPositive());
        });
        assertThat(parts.get("ingest").path("units").path("events").asLong()).isGreaterThanOrEqualTo(r.path("events").asLong());
        assertThat(parts.get("scoring").path("units").path("predictions").asLong())
                .isGreaterThanOrEqualTo(r.path("predictions").asLong());
        assertThat(parts.get("training").path("units").path("releases").asLong()).isPositive();
    }
}
