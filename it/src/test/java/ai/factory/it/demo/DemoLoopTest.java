package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.factory.cli.FactoryCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, shortened: the whole loop in one JVM on the committed flights sample, unattended,
 * with every count consistent at the end.
 */
class DemoLoopTest {

    private static final int EVENTS = 20_000;

    @Test
    void theLoopRunsUnattendedAndEveryCountAddsUp(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.json");
        System.setProperty("factory.home", Path.of("..").toAbsolutePath().normalize().toString());

        int exit = FactoryCli.run("demo", "--events", String.valueOf(EVENTS), "--speedup", "max", "--ops-port", "0",
                "--publish-every-examples", "4000", "--drain-timeout", "180s", "--report", report.toString());

        assertThat(exit).as("demo exit code (3 = not drained)").isZero();
        JsonNode r = new ObjectMapper().readTree(Files.readString(report));
        assertThat(r.path("events").asLong()).isEqualTo(EVENTS);
        assertThat(r.path("feedback").asLong()).as("every flight has its outcome").isEqualTo(EVENTS);
        assertThat(r.path("predictions").asLong()).as("each event one prediction").isEqualTo(EVENTS);
        // Each delivered label yields one example, unless it came after its join window (a day): then it is late.
        assertThat(r.path("examples").asLong() + r.path("late_feedback").asLong()).isEqualTo(EVENTS);
        assertThat(r.path("late_feedback").asLong()).as("labels counted late").isLessThan(EVENTS / 20);
        assertThat(r.path("model_releases").asLong()).isPositive();
        assertThat(r.path("champion_version").isNumber()).as("a champion was promoted").isTrue();
        JsonNode progressive = r.path("progressive");
        assertThat(progressive.path("judged").asLong()).as("predictions judged by their later label").isPositive();
        assertThat(progressive.path("logloss").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.path("latency_ms").path("p50").isNumber()).isTrue();
    }
}
