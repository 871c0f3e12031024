package ai.factory.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import org.junit.jupiter.api.Test;

class BenchMarkdownTest {

    /** A fixed run: two benches, a met and a missed target, a figure without a baseline, one that was not measured. */
    static BenchRun run() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("events", "200000");
        settings.put("parallelism", "1");
        BenchResult ingest = new BenchResult("ingest", "events/s through the feature job next to a plain copy", settings,
                List.of(Figure.against("feature job", 20_000, "events/s", "raw Kafka consume+produce", 50_000)
                                .withTarget(Target.atLeast(0.5)),
                        Figure.of("latency p99 | worst", 12.5, "ms"),
                        Figure.of("latency p50", Double.NaN, "ms")),
                List.of("net runtime"));
        BenchResult lag = new BenchResult("lag", "refresh time", Map.of(),
                List.of(Figure.against("worst refresh", 500, "ms", "sampling interval", 5000).withTarget(Target.atMost(1))),
                List.of());
        return new BenchRun("factory bench all", "2030-01-02T03:04:05Z",
                new BenchRun.Machine(2, 8L << 30, "Linux 6.1 amd64", "OpenJDK 17.0.9", "Some CPU @ 2.0GHz", 1.5), 123.4,
                List.of(new BenchRun.Part(ingest, 100.2), new BenchRun.Part(lag, 20)));
    }

    @Test
    void rendersHeaderTargetsAndOneTablePerBench() {
        String md = BenchMarkdown.render(run());

        assertThat(md).startsWith("# Benchmarks\n")
                .contains("- Command: `factory bench all`\n")
                .contains("- Date: 2030-01-02T03:04:05Z\n")
                .contains("- Machine: 2 cores (Some CPU @ 2.0GHz), 8.0 GiB memory, Linux 6.1 amd64, OpenJDK 17.0.9; "
                        + "load average 1.50 when the run started\n")
                .contains("- Wall time: 123 s\n")
                .contains("""
                        ## Targets

                        | Bench | Figure | Measured | Target | Met |
                        |---|---|--:|---|---|
                        | ingest | feature job | 0.40 of raw Kafka consume+produce | ≥ 0.5 | missed |
                        | lag | worst refresh | 0.10 of sampling interval | ≤ 1 | met |
                        """)
                .contains("""
                        ## ingest

                        Events/s through the feature job next to a plain copy.

                        Settings: events 200000, parallelism 1. Took 100 s.

                        | Figure | Value | Baseline | Baseline value | Ratio | Target |
                        |---|--:|---|--:|--:|---|
                        | feature job | 20,000 events/s | raw Kafka consume+produce | 50,000 events/s | 0.40 | ≥ 0.5 (missed) |
                        | latency p99 \\| worst | 12.5 ms |  |  |  |  |
                        | latency p50 | - |  |  |  |  |

                        - net runtime
                        """)
                .contains("## lag\n\nRefresh time.\n\nTook 20 s.\n");
    }

    @Test
    void theJsonHoldsEverythingThePageShows() throws Exception {
        BenchRun run = run();

        BenchRun back = BenchRun.fromJson(run.toJson());

        assertThat(back.parts()).extracting(p -> p.result().name()).containsExactly("ingest", "lag");
        assertThat(back.parts().get(0).result().figures().get(2).value()).isNaN();
        assertThat(BenchMarkdown.render(back)).isEqualTo(BenchMarkdown.render(run));
        assertThat(back.toJson()).isEqualTo(run.toJson());
    }

    @Test
    void aMachineWithoutCpuModelOrMemoryLeavesThemOut() {
        BenchRun run = new BenchRun("factory bench kafka", "2030-01-02T03:04:05Z",
                new BenchRun.Machine(1, 0, "Mac OS X 14 aarch64", "OpenJDK 17", null, Double.NaN), Double.NaN, List.of());

        assertThat(BenchMarkdown.render(run)).contains("- Machine: 1 core, Mac OS X 14 aarch64, OpenJDK 17\n")
                .contains("- Wall time: -\n").doesNotContain("## Targets");
    }
}
