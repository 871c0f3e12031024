package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import ai.factory.bench.BenchResult;
import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.cli.bench.BenchMarkdown;
import ai.factory.cli.bench.BenchRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(KafkaExtension.class)
class BenchCommandTest {

    private static final String PARTS = "kafka,ingest,scoring,trainer,lag";

    /** Every registered benchmark, at --quick sizes, on the test broker: each with figures, every figure measured and positive. */
    @Test
    void allQuickSavesEveryBenchAndRendersThePageFromTheSavedRun(TestKafka kafka, @TempDir Path dir) throws Exception {
        Path docs = dir.resolve("docs/benchmarks.md");

        // The loop benchmarks run whole demos in child JVMs: the it module's LoopBenchesTest covers them.
        var result = TopicsCommandTest.run("bench", "all", "--quick", "--only", PARTS, "-b", kafka.bootstrapServers(),
                "--out", dir.resolve("runs").toString(), "--docs", docs.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        Path json;
        try (Stream<Path> files = Files.list(dir.resolve("runs"))) {
            json = files.filter(f -> f.getFileName().toString().matches("bench-.*\\.json")).findFirst().orElseThrow();
        }
        BenchRun run = BenchRun.read(json);
        List<String> registered = BenchCommand.BENCHES.stream()
                .map(b -> new CommandLine(b.get()).getCommandName()).filter(List.of(PARTS.split(","))::contains).toList();
        assertThat(registered).startsWith("kafka", "ingest", "scoring", "trainer");
        assertThat(run.parts()).extracting(p -> p.result().name()).containsExactlyElementsOf(registered);
        for (BenchRun.Part part : run.parts()) {
            BenchResult r = part.result();
            assertThat(r.figures()).as(r.name()).isNotEmpty();
            assertThat(r.figures()).as(r.name()).allSatisfy(f -> {
                assertThat(f.value()).as(r.name() + ": " + f.name()).isFinite().isPositive();
                if (f.baseline() != null) {
                    assertThat(f.baselineValue()).as(r.name() + ": " + f.baseline()).isFinite().isPositive();
                }
            });
        }
        assertThat(run.command()).isEqualTo("factory bench all --quick --only " + PARTS + " -b " + kafka.bootstrapServers()
                + " --out " + dir.resolve("runs") + " --docs " + docs);
        assertThat(run.machine().cores()).isPositive();
        assertThat(Files.readString(docs)).isEqualTo(BenchMarkdown.render(run))
                .contains("## kafka", "## ingest", "## scoring", "## trainer");
        assertThat(result.out()).contains("wrote " + json, "wrote " + docs);

        Path again = dir.resolve("again.md");
        assertThat(TopicsCommandTest.run("bench", "report", json.toString(), "--docs", again.toString()).exitCode()).isZero();
        assertThat(again).hasContent(Files.readString(docs));
    }
}
