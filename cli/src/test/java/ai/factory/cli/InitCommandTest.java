package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.factory.cli.demo.DemoInputs;
import ai.factory.replay.Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code factory init} as a person runs it, then the demo finding what it wrote. */
class InitCommandTest {

    @TempDir
    Path dir;

    private Path data() throws IOException {
        List<String> lines = new ArrayList<>(List.of("when,shop,amount,rating"));
        for (int i = 0; i < 500; i++) {
            lines.add(String.format("2024-03-%02dT%02d:%02d:00,s%d,%d.5,%d", 1 + i / 48, (i / 2) % 24, (i * 7) % 60, i % 5,
                    i % 90, 1 + (i * 31) % 5));
        }
        Path file = dir.resolve("orders.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void writesTheMappingAndSpecBesideTheDataWhereTheDemoFindsThem() throws IOException {
        Path data = data();
        assertThat(FactoryCli.run("init", "--data", data.toString(), "--label", "rating>=4", "--label-delay", "1h")).isZero();
        Path mapping = dir.resolve("orders.mapping.json");
        Path spec = dir.resolve("orders.spec.json");
        assertThat(mapping).exists();
        assertThat(spec).exists();
        assertThat(Mapping.read(mapping).label()).isEqualTo(Mapping.Label.parse("rating>=4"));

        assertThat(FactoryCli.run("init", "--data", data.toString(), "--label", "rating>=4"))
                .as("existing files are not overwritten").isEqualTo(1);
        assertThat(FactoryCli.run("init", "--data", data.toString(), "--label", "rating", "--force")).isZero();
        assertThat(Files.readString(spec)).contains("\"task\": \"regression\"");

        DemoInputs inputs = DemoInputs.resolve(dir, data, null, null);
        assertThat(inputs.mappingFile()).isEqualTo(mapping);
        assertThat(inputs.spec().model().name()).isEqualTo("orders");
        assertThat(inputs.spec().model().regression()).isTrue();
        assertThat(inputs.how()).contains("written by factory init");
    }

    @Test
    void theDemoSaysWhatToDoWhenNoMappingIsBesideTheData() throws IOException {
        Path data = data();
        assertThatThrownBy(() -> DemoInputs.resolve(dir, data, null, null))
                .hasMessageContaining("run `factory init --data " + data);
        assertThat(FactoryCli.run("init", "--data", dir.resolve("missing.csv").toString())).isEqualTo(1);
    }
}
