package ai.factory.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import ai.factory.bench.BenchResult;
import ai.factory.bench.KafkaBenchmark;
import ai.factory.broker.EmbeddedKafka;
import ai.factory.cli.bench.BenchMarkdown;
import ai.factory.cli.bench.ExplainBenchmark;
import ai.factory.cli.bench.BenchRun;
import ai.factory.ingest.bench.IngestBenchmark;
import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import ai.factory.ops.bench.LagRefreshBench;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.scoring.bench.ScoringBenchmark;
import ai.factory.trainer.bench.DelayedLabelReplay;
import ai.factory.trainer.bench.TrainingBenchmark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code factory bench}: the benchmarks, each measuring a part next to a baseline in the same run and reporting the
 * ratio (these machines are shared and noisy, so absolute numbers alone mean little). Every benchmark is a
 * subcommand; {@code all} runs them in turn on one cluster, saves the run as JSON and renders docs/benchmarks.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks on Kafka: each figure next to a baseline measured in the same run, and the ratio. Without "
                + "a cluster named by --bootstrap or --kafka-config (or $FACTORY_BOOTSTRAP, $FACTORY_KAFKA_CONFIG), bench "
                + "starts a broker of its own in this JVM for the run. `all` runs every one, saves the run as JSON and "
                + "regenerates docs/benchmarks.md; `report` regenerates the page from a saved run; `delayed-labels` replays a stream already on Kafka with "
                + "several trainer settings."},
        subcommands = {BenchCommand.All.class, BenchCommand.Report.class},
        modelTransformer = BenchCommand.Registered.class)
final class BenchCommand {

    /**
     * The benchmarks, in the order {@code bench all} runs them; each is also {@code factory bench NAME}. To add one,
     * write a {@link Bench} like {@link Kafka} (its sizes as options, small ones in {@code quick()}) and add it here.
     * Still to come, running the whole demo loop: pipeline, freshness, memory, quality.
     */
    static final List<Supplier<Bench>> BENCHES = List.of(Kafka::new, Ingest::new, Scoring::new, Explain::new, Trainer::new, Lag::new,
            LoopBenches.Pipeline::new, LoopBenches.Freshness::new, LoopBenches.Memory::new, LoopBenches.Quality::new);

    private static final String HOME = "${sys:factory.home:-.}";
    private static final Logger log = LoggerFactory.getLogger(BenchCommand.class);

    /**
     * Adds every registered benchmark as a subcommand, after {@code all} and {@code report}, then the delayed-label
     * replay (last, and not in {@code all}: it measures a stream already on a cluster, not a part against a baseline).
     */
    static final class Registered implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (Supplier<Bench> bench : BENCHES) {
                CommandLine command = new CommandLine(bench.get());
                spec.addSubcommand(command.getCommandName(), command);
            }
            CommandLine replay = new CommandLine(new DelayedLabelReplay());
            spec.addSubcommand(replay.getCommandName(), replay);
            return spec;
        }
    }

    /** Where to run: shared by every benchmark and by {@code all}. */
    static final class Target {
        // The options of every other command, so a secured cluster (--kafka-config) and a --prefix work here too.
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--quick", description = "Small sizes: seconds, not minutes; for a test, not for numbers.")
        boolean quick;
    }

    /**
     * One benchmark as a subcommand: its sizes are its options, {@link #quick()} shrinks them,
     * {@link #run(KafkaConnection, String)} measures on a cluster. Run alone it prints its figures and, with {@code --out}, saves them in the JSON shape of
     * {@code bench all}.
     */
    abstract static class Bench implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--out", paramLabel = "DIR", description = "Also save the figures as DIR/bench-<date>.json.")
        Path out;

        @Spec
        CommandSpec spec;

        /** Small sizes, for {@code --quick}. */
        abstract void quick();

        /** Measures on {@code kafka}; the topics it creates start with {@code topicPrefix} (the --prefix, empty for none). */
        abstract BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception;

        @Override
        public Integer call() throws Exception {
            if (target.quick) {
                quick();
            }
            PrintWriter printer = spec.commandLine().getOut();
            BenchRun run = measure(commandLine(spec), target.kafka, List.of(this), printer);
            if (out != null) {
                printer.println("wrote " + run.write(out));
            }
            return 0;
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true,
            description = {"Runs every benchmark `factory bench --help` lists but delayed-labels, in that order, on one broker, saves the run as "
                    + "DIR/bench-<date>.json and regenerates the Markdown page from that file: the command, the machine, and one "
                    + "table per benchmark with each figure, its baseline, the ratio and the target where there is one.",
                    "The part benchmarks (kafka … lag) take a few minutes; the loop ones run whole demos in child JVMs: pipeline "
                            + "and freshness about 10 minutes, memory and quality four runs of all 3M flights (logistic and deep, "
                            + "each with the landing delay and with none: about two hours on 2 cores). "
                            + "--only picks some; --quick shrinks every size (for a test, not for numbers)."})
    static final class All implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = HOME + "/target/bench",
                description = "Folder of the JSON file (default: target/bench of the factory's folder).")
        Path out;

        @Option(names = "--docs", paramLabel = "FILE", defaultValue = HOME + "/docs/benchmarks.md",
                description = "Markdown page to regenerate (default: docs/benchmarks.md of the factory's folder; a --quick run "
                        + "writes it only when this option is given).")
        Path docs;

        @Option(names = "--only", paramLabel = "NAME", split = ",",
                description = "Run only these benchmarks, in the listed order of `factory bench --help` (default: all of them).")
        List<String> only;

        @Option(names = "--reuse", description = "The loop benchmarks take the runs an earlier bench saved in their --dir with the "
                + "same arguments instead of running them again (those figures keep their run's date and build).")
        boolean reuse;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<Bench> benches = new ArrayList<>();
            for (Supplier<Bench> supplier : BENCHES) {
                Bench bench = supplier.get();
                CommandLine command = new CommandLine(bench);
                if (only != null && !only.contains(command.getCommandName())) {
                    continue;
                }
                command.parseArgs(); // the options' defaults
                if (target.quick) {
                    bench.quick();
                }
                if (bench instanceof LoopBenches.LoopBench loop) {
                    loop.reuse = reuse;
                }
                benches.add(bench);
            }
            PrintWriter printer = spec.commandLine().getOut();
            BenchRun run = measure(commandLine(spec), target.kafka, benches, printer);
            Path file = run.write(out);
            printer.println("wrote " + file);
            if (!target.quick || spec.commandLine().getParseResult().hasMatchedOption("--docs")) {
                writeDocs(file, docs, printer);
            }
            return run.parts().stream().anyMatch(p -> p.result().figures().isEmpty()) ? 1 : 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Regenerates the Markdown page from a run saved by `bench all` (or by one benchmark with --out).")
    static final class Report implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.json", description = "A saved run.")
        Path file;

        @Option(names = "--docs", paramLabel = "FILE", defaultValue = HOME + "/docs/benchmarks.md",
                description = "Page to write, - for standard output (default: docs/benchmarks.md of the factory's folder).")
        Path docs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            writeDocs(file, docs, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = KafkaBenchmark.NAME, mixinStandardHelpOptions = true,
            description = "Raw Kafka, the baseline of the others: records/s of one producer, of one consumer reading the same "
                    + "records back, and of the two copying them to another topic (ratio to the producer alone); the better of two rounds.")
    static final class Kafka extends Bench {
        @Option(names = "--records", paramLabel = "N", defaultValue = "500000", description = "Records (default: ${DEFAULT-VALUE}; --quick 5000).")
        int records;

        @Option(names = "--value-bytes", paramLabel = "N", defaultValue = "100", description = "Random bytes per value (default: ${DEFAULT-VALUE}).")
        int valueBytes;

        @Override
        void quick() {
            records = 5_000;
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) {
            return KafkaBenchmark.run(kafka, topicPrefix, records, valueBytes);
        }
    }

    @Command(name = IngestBenchmark.NAME, mixinStandardHelpOptions = true,
            description = "Events/s through the stream-ingest feature job (flights spec, bounded, in-process Flink) next to a "
                    + "plain consumer+producer copying the same events (target: ratio at least 0.5).")
    static final class Ingest extends Bench {
        @Option(names = "--events", paramLabel = "N", defaultValue = "200000", description = "Events to push through (default: ${DEFAULT-VALUE}; --quick 5000).")
        int events;

        @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Override
        void quick() {
            events = 5_000;
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            return IngestBenchmark.run(kafka, topicPrefix, events, parallelism);
        }
    }

    @Command(name = ScoringBenchmark.NAME, mixinStandardHelpOptions = true,
            description = "Predictions/s of the scorer (features topic to predictions topic) on a backlog next to a plain "
                    + "consumer+producer copying the same feature records (target: ratio at least 0.8) and next to direct ONNX "
                    + "Runtime scoring; served/s and p50/p99 latency at several offered loads; the cost of exactly-once "
                    + "(throughput and end-to-end latency to a read_committed subscriber) as ratios to at-least-once.")
    static final class Scoring extends Bench {
        @Mixin
        ScoringBenchmark.Settings settings;

        @Override
        void quick() {
            settings.quick();
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            return new ScoringBenchmark(settings).run(kafka, topicPrefix);
        }
    }

    @Command(name = ExplainBenchmark.NAME, mixinStandardHelpOptions = true,
            description = "What the scorer's --explain costs: rows/s of sessions of the trainer's graphs of every model kind "
                    + "explaining every row, next to the same sessions not explaining, at several batch sizes (no Kafka: "
                    + "the cost is in ONNX Runtime and the explanation records).")
    static final class Explain extends Bench {
        @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "3",
                description = "Measuring time per batch size and mode (default: ${DEFAULT-VALUE}; --quick 0.2).")
        double seconds;

        @Option(names = "--batch-sizes", paramLabel = "N", split = ",", defaultValue = "1,64,256",
                description = "Batch sizes (default: ${DEFAULT-VALUE}).")
        int[] batchSizes;

        @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "Features per explanation (default: ${DEFAULT-VALUE}).")
        int top;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "ORT intra-op threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        void quick() {
            seconds = 0.2;
            batchSizes = new int[] {64};
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            return ExplainBenchmark.run(seconds, batchSizes, top, threads);
        }
    }

    @Command(name = TrainingBenchmark.NAME, mixinStandardHelpOptions = true,
            description = "Examples/s trained from the examples topic (the trainer's Avro decoding and training step) next to "
                    + "a plain consumer reading the same records (target: ratio at least 0.8); the ONNX Runtime training step "
                    + "of both model kinds at batch 256, 1024 and 4096 next to the same step in plain Java loops; K steps per "
                    + "ONNX Runtime run next to one.")
    static final class Trainer extends Bench {
        @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "2", description = "Measuring time per in-memory row (default: ${DEFAULT-VALUE}; --quick 0.05).")
        double seconds;

        @Option(names = "--examples", paramLabel = "N", defaultValue = "204800",
                description = "Examples on the topic, rounded up to whole mini-batches (default: ${DEFAULT-VALUE}; --quick 10240).")
        int examples;

        @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "ONNX Runtime threads, 0 for all cores (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--steps-per-run", paramLabel = "K", defaultValue = "8", split = ",",
                description = "K values to compare with single-step runs (default: ${DEFAULT-VALUE}).")
        List<Integer> stepsPerRun;

        @Override
        void quick() {
            seconds = 0.05;
            examples = 10 * 1024;
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            return TrainingBenchmark.run(kafka, topicPrefix, seconds, Device.parse(device), threads, examples,
                    stepsPerRun.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Command(name = LagRefreshBench.NAME, mixinStandardHelpOptions = true,
            description = "Time to refresh the lag view of many consumer groups, next to one group at a time and against "
                    + "the sampling interval (target: the worst refresh within the interval).")
    static final class Lag extends Bench {
        @Option(names = "--groups", paramLabel = "N", defaultValue = "1000", description = "Consumer groups (default: ${DEFAULT-VALUE}; --quick 50).")
        int groups;

        @Option(names = "--interval", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Sampling interval of the lag view, as `factory ops --interval` (default: ${DEFAULT-VALUE}).")
        Duration interval;

        @Override
        void quick() {
            groups = 50;
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            return LagRefreshBench.run(kafka, topicPrefix, groups, interval.toMillis());
        }
    }

    /**
     * Runs {@code benches} in turn on the cluster {@code kafka} names, or on a broker of its own when it names none (as
     * {@code factory demo} does), printing each result.
     */
    static BenchRun measure(String command, KafkaOptions kafka, List<Bench> benches, PrintWriter printer) throws Exception {
        Instant date = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BenchRun.Machine machine = BenchRun.Machine.current();
        long start = System.nanoTime();
        // Read before a broker starts, so a bad --kafka-config fails at once.
        KafkaConnection cluster = kafka.cluster().orElse(null);
        EmbeddedKafka embedded = cluster == null ? EmbeddedKafka.start() : null;
        // Ctrl-C or SIGTERM mid-run stops the broker too, which removes its storage from the temp folder.
        Thread stopBroker = new Thread(() -> {
            if (embedded != null) {
                embedded.close();
            }
        }, "bench-broker-stop");
        Runtime.getRuntime().addShutdownHook(stopBroker);
        try {
            KafkaConnection connection = embedded != null ? KafkaConnection.of(embedded.bootstrapServers()) : cluster;
            List<BenchRun.Part> parts = new ArrayList<>();
            for (Bench bench : benches) {
                long t = System.nanoTime();
                BenchResult result;
                try {
                    result = bench.run(connection, kafka.prefix());
                } catch (Exception e) {
                    if (benches.size() == 1) {
                        throw e;
                    }
                    // The others still run: a long run keeps what it measured.
                    log.warn("benchmark {} failed", bench.spec.name(), e);
                    result = BenchResult.builder(bench.spec.name(), "failed").note("failed: " + e).build();
                }
                double took = (System.nanoTime() - t) / 1e9;
                printer.print(result.toText());
                printer.printf("  (%.0f s)%n%n", took);
                printer.flush();
                parts.add(new BenchRun.Part(result, took));
            }
            return new BenchRun(command, date.toString(), machine, (System.nanoTime() - start) / 1e9, parts);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopBroker);
            } catch (IllegalStateException shuttingDown) {
                // The hook stops the broker.
            }
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void writeDocs(Path json, Path docs, PrintWriter printer) throws Exception {
        String page = BenchMarkdown.render(BenchRun.read(json));
        if (docs.toString().equals("-")) {
            printer.print(page);
            printer.flush();
            return;
        }
        if (docs.getParent() != null) {
            Files.createDirectories(docs.getParent());
        }
        Files.writeString(docs, page);
        printer.println("wrote " + docs);
    }

    /** The command as typed, {@code factory} and every argument (quoted where the shell would need it). */
    private static String commandLine(CommandSpec spec) {
        return "factory " + spec.root().commandLine().getParseResult().originalArgs().stream()
                .map(a -> a.matches("[A-Za-z0-9_./:=,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
