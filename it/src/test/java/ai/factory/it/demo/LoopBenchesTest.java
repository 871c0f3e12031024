package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop benchmarks at --quick sizes, as `factory bench` runs them: each runs whole demos in child JVMs and reads
 * their reports; every figure must have been measured.
 */
class LoopBenchesTest {

    @Test
    void pipelineAndQualityMeasureTheWholeLoop(@TempDir Path dir) throws Exception {
        System.setProperty("factory.home", DemoRuns.HOME.toString());
        Path chart = dir.resolve("curve.png");
        DemoRuns.factory("bench", "pipeline", "--quick", "--dir", dir.resolve("runs").toString(), "--out", dir.toString());
        DemoRuns.factory("bench", "quality", "--quick", "--events", "8000", "--delays", "landing,none", "--dir", dir.resolve("runs").toString(),
                "--chart", chart.toString(), "--out", dir.toString());

        List<JsonNode> benches = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("bench-")).toList()) {
                new ObjectMapper().readTree(f.toFile()).path("benches").forEach(benches::add);
            }
        }
        assertThat(benches).extracting(b -> b.path("name").asText()).contains("pipeline", "quality");
        for (JsonNode bench : benches) {
            assertThat(bench.path("figures")).as(bench.path("name").asText()).isNotEmpty();
            bench.path("figures").forEach(f -> assertThat(f.path("value").isNumber())
                    .as("%s: %s measured", bench.path("name").asText(), f.path("name").asText()).isTrue());
        }
        JsonNode quality = benches.stream().filter(b -> b.path("name").asText().equals("quality")).findFirst().orElseThrow();
        assertThat(quality.path("figures")).anySatisfy(f -> {
            assertThat(f.path("name").asText()).startsWith("log loss (logistic, label at landing)");
            assertThat(f.path("baseline_value").asDouble()).as("the constant base rate of the same labels").isPositive();
        });
        assertThat(quality.path("figures")).anySatisfy(f -> assertThat(f.path("name").asText()).contains("label at once"));
        assertThat(Files.size(chart)).as("the learning curves' PNG").isPositive();

        // --reuse: a later bench takes the saved runs with the same arguments instead of running them again.
        Path log = dir.resolve("runs").resolve("flights-logistic-none.log");
        var written = Files.getLastModifiedTime(log);
        Path again = dir.resolve("again");
        DemoRuns.factory("bench", "quality", "--quick", "--events", "8000", "--delays", "landing,none", "--dir", dir.resolve("runs").toString(),
                "--chart", chart.toString(), "--out", again.toString(), "--reuse");
        assertThat(Files.getLastModifiedTime(log)).as("the run was not repeated").isEqualTo(written);
        JsonNode reused;
        try (Stream<Path> files = Files.list(again)) {
            reused = new ObjectMapper().readTree(files.findFirst().orElseThrow().toFile()).path("benches").get(0);
        }
        assertThat(reused.path("figures")).isEqualTo(quality.path("figures"));
    }
}
