package ai.factory.it.demo;

import static ai.factory.it.demo.DemoRuns.assertCountsAddUp;
import static ai.factory.it.demo.DemoRuns.demo;
import static ai.factory.it.demo.DemoRuns.factory;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's three steps on real data that is not flights: {@code factory init} on the file, then {@code factory
 * demo --data FILE} with what init wrote beside it, unattended. Two shapes (data/README.md): FAA bird strikes, a CSV
 * of dates with spaced headers and a binary condition label; USGS earthquakes, nested JSON Lines with epoch
 * milliseconds, newest first (so sorted), and a numeric label.
 */
class OwnDataLoopTest {

    @Test
    void birdStrikesLearnWhetherAStrikeDamagesTheAircraft(@TempDir Path dir) throws Exception {
        Path data = copy("birdstrikes.csv.gz", dir);
        factory("init", "--data", data.toString(), "--label", "Effect Amount of damage!=None",
                "--exclude", "Cost Repair", "--exclude", "Cost Total $", "--exclude", "Cost Other");
        assertThat(dir.resolve("birdstrikes.spec.json")).content().contains("\"task\": \"binary\"");

        JsonNode r = demo(dir, "--data", data.toString());
        assertCountsAddUp(r, 10_000, 0.99);
        assertThat(r.path("task").asText()).isEqualTo("binary");
        JsonNode progressive = r.path("progressive");
        assertThat(progressive.path("logloss").asDouble())
                .as("online log loss below the constant base rate of the same labels")
                .isLessThan(progressive.path("constant_logloss").asDouble());
    }

    @Test
    void earthquakesLearnTheirMagnitude(@TempDir Path dir) throws Exception {
        Path data = copy("earthquakes.jsonl.gz", dir);
        // Felt reports come in after a quake; its significance (computed from the magnitude) init holds back itself.
        factory("init", "--data", data.toString(), "--label", "properties.mag",
                "--exclude", "properties.felt", "--exclude", "properties.cdi", "--exclude", "properties.mmi");
        assertThat(dir.resolve("earthquakes.spec.json")).content().contains("\"task\": \"regression\"");

        JsonNode r = demo(dir, "--data", data.toString(), "--sort");
        assertCountsAddUp(r, 1_707, 0.99);
        assertThat(r.path("task").asText()).isEqualTo("regression");
        JsonNode progressive = r.path("progressive");
        assertThat(progressive.path("rmse").asDouble())
                .as("online RMSE below the running mean's on the same labels")
                .isLessThan(progressive.path("running_mean_rmse").asDouble());
        assertThat(progressive.path("mae").asDouble()).isLessThan(progressive.path("running_mean_mae").asDouble());
    }

    private static Path copy(String name, Path dir) throws Exception {
        Path target = dir.resolve(name);
        Files.copy(DemoRuns.HOME.resolve("data").resolve(name), target);
        return target;
    }
}
