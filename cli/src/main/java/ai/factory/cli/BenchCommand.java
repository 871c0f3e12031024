package ai.factory.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import ai.factory.ingest.bench.IngestBenchmark;
import ai.factory.ops.bench.LagRefreshBench;
import ai.factory.scoring.bench.ScoringBenchmark;
import ai.factory.trainer.bench.TrainingBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code factory bench}: the benchmarks, each measuring a part next to a baseline in the same run and reporting the
 * ratio (these machines are shared and noisy, so absolute numbers alone mean little).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark on an embedded broker; each prints its numbers next to a baseline measured in the same run.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Scoring.class, BenchCommand.Trainer.class, BenchCommand.Lag.class})
final class BenchCommand {

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Events/s through the stream-ingest job next to raw Kafka consume+produce of the same records.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--events", defaultValue = "200000", description = "Events to push through (default: ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Override
        public Integer call() throws Exception {
            IngestBenchmark.main(new String[] {String.valueOf(events), String.valueOf(parallelism)});
            return 0;
        }
    }

    @Command(name = "scoring", mixinStandardHelpOptions = true,
            description = "Predictions/s and p50/p99 latency at several offered loads next to direct ONNX Runtime batch scoring.")
    static final class Scoring implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            ScoringBenchmark.main(new String[0]);
            return 0;
        }
    }

    @Command(name = "trainer", mixinStandardHelpOptions = true,
            description = "Training examples/s of both model kinds at batch 256, 1024 and 4096 next to the same step in plain Java loops.")
    static final class Trainer implements Callable<Integer> {
        @Option(names = "--seconds", defaultValue = "2", description = "Measuring time per row (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads, 0 for all cores (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--steps-per-run", defaultValue = "8", split = ",",
                description = "K values to compare with single-step runs (default: ${DEFAULT-VALUE}).")
        java.util.List<Integer> stepsPerRun;

        @Override
        public Integer call() throws Exception {
            TrainingBenchmark.main(new String[] {String.valueOf(seconds), device, String.valueOf(threads),
                    String.join(",", stepsPerRun.stream().map(String::valueOf).toList())});
            return 0;
        }
    }

    @Command(name = "lag", mixinStandardHelpOptions = true,
            description = "Time to refresh the lag view of many consumer groups against the sampling interval, and against one group at a time.")
    static final class Lag implements Callable<Integer> {
        @Option(names = "--groups", defaultValue = "1000", description = "Consumer groups (default: ${DEFAULT-VALUE}).")
        int groups;

        @Option(names = "--interval-ms", defaultValue = "5000", description = "Sampling interval (default: ${DEFAULT-VALUE}).")
        long intervalMs;

        @Override
        public Integer call() throws Exception {
            List<String> args = new ArrayList<>(List.of("embedded", String.valueOf(groups), String.valueOf(intervalMs)));
            LagRefreshBench.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
