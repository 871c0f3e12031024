package ai.factory.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import ai.factory.bench.KafkaRates;
import ai.factory.cli.bench.PairedRounds;
import ai.factory.cli.demo.DemoProcess;
import ai.factory.cli.demo.LearningCurve;
import ai.factory.cli.demo.LearningCurveChart;
import ai.factory.ingest.job.FeatureTiming;
import ai.factory.ingest.job.IngestArguments;
import ai.factory.kafka.KafkaConnection;
import ai.factory.trainer.model.ModelKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmarks of the whole loop: each runs {@code factory demo} in a child JVM with the factory script's heap (its
 * own embedded broker, Flink in-process, ONNX Runtime on CPU), reads its report and samples its resident memory, as an
 * operator would see the embedded mode. Runs with the same arguments are measured once per process and shared.
 */
final class LoopBenches {

    /** The factory's folder, as picocli resolves it in defaults, and as a path here. */
    private static final String HOME_OPTION = "${sys:factory.home:-.}";
    private static final String HOME = System.getProperty("factory.home", ".");
    private static final Map<List<String>, DemoProcess.Result> RUNS = new HashMap<>();

    private LoopBenches() {
    }

    /**
     * The demo run with {@code args} in a JVM of {@code heap} (null: this JVM's), measured once per process; with
     * {@code reuse}, a run saved in {@code dir} with the same arguments and heap by an earlier process counts too.
     */
    static DemoProcess.Result demo(String name, List<String> args, String heap, Path dir, boolean reuse, Duration limit)
            throws Exception {
        List<String> key = new ArrayList<>(args);
        // The name too: rounds of one setting are separate runs (benches that share a run give it one name).
        key.add(0, "heap=" + heap);
        key.add(0, "name=" + name);
        DemoProcess.Result done = RUNS.get(key);
        if (done == null && reuse) {
            done = DemoProcess.saved(name, args, heap, dir).orElse(null);
        }
        if (done == null) {
            done = DemoProcess.run(name, args, heap, dir, limit);
        }
        RUNS.put(key, done);
        return done;
    }

    /**
     * Raw consume+produce of {@code records} 200-byte records on the bench's cluster, on topics named after
     * {@code topicPrefix}: the baseline of a loop's rate.
     */
    static double rawCopyRate(KafkaConnection kafka, String topicPrefix, int records) {
        String topic = topicPrefix + "loop-baseline-" + System.nanoTime();
        KafkaRates.createTopic(kafka, topic, 1);
        KafkaRates.createTopic(kafka, topic + "-copy", 1);
        byte[] value = new byte[200];
        List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            batch.add(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, Integer.toString(i).getBytes(), value));
        }
        KafkaRates.produce(kafka, batch);
        return KafkaRates.copy(kafka, topic, topic + "-copy", records);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> json, String key) {
        Object v = json.get(key);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static double number(Map<String, Object> json, String key) {
        Object v = json.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The demo arguments that replay {@code data} as flights (their mapping and spec). */
    static List<String> flights(Path data) {
        return List.of("--data", data.toString(), "--mapping", Path.of(HOME, "data", "flights.mapping.json").toString(),
                "--spec", "classpath:specs/flights.json");
    }

    static List<String> live(int rate, long events) {
        List<String> args = new ArrayList<>(flights(flightsSample()));
        args.addAll(List.of("--live", "2s", "--events", Long.toString(events), "--max-ahead", "0"));
        if (rate > 0) {
            args.addAll(List.of("--rate", Integer.toString(rate)));
        }
        return args;
    }

    static Path flightsSample() {
        return Path.of(HOME, "data", "flights-200k.csv.gz");
    }

    static Path flights3m() {
        return Path.of(HOME).resolve("../shared/data/flights-3m.csv.gz").normalize();
    }

    /** A loop benchmark: where its runs keep their logs and reports, and which flights file it replays. */
    abstract static class LoopBench extends BenchCommand.Bench {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = HOME_OPTION + "/target/bench/runs", description = "Logs and reports of the runs (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--reuse", description = "Take a run an earlier bench saved in --dir with the same arguments instead of "
                + "running it again (its figures are from that run's date and build).")
        boolean reuse;

        /** The demo run with {@code args}, named {@code name} in {@link #dir}, with the factory script's heap. */
        DemoProcess.Result demo(String name, List<String> args, Duration limit) throws Exception {
            return demo(name, args, null, limit);
        }

        /** The demo run with {@code args}, named {@code name} in {@link #dir}, in a JVM of {@code heap}. */
        DemoProcess.Result demo(String name, List<String> args, String heap, Duration limit) throws Exception {
            return LoopBenches.demo(name, args, heap, dir, reuse, limit);
        }

        /** {@code data} if given, else the 3M flights for a whole run (when present), else the sample. */
        static Path flightsFile(Path data, long events) {
            return data != null ? data : Files.exists(flights3m()) && events == 0 ? flights3m() : flightsSample();
        }
    }

    /** The loop at real-time pace: events stamped now at a fixed rate, labels 2 s later, training running. */
    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "Event → prediction latency (p50, p99, p99.9) of the whole embedded loop at real-time pace (event "
                    + "time = now, labels 2 s later, training running) at several offered rates, and the loop's sustained "
                    + "maximum (events until drained, no rate limit) next to raw Kafka consume+produce on the bench's Kafka.")
    static final class Pipeline extends LoopBench {
        @Option(names = "--rates", paramLabel = "N", defaultValue = "1000,5000,10000", split = ",", description = "Offered events/s (default: ${DEFAULT-VALUE}).")
        List<Integer> rates;

        @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "20", description = "Seconds at each rate (default: ${DEFAULT-VALUE}; --quick 5).")
        int seconds;

        @Option(names = "--max-events", paramLabel = "N", defaultValue = "200000", description = "Events of the unpaced run (default: ${DEFAULT-VALUE}; --quick 10000).")
        int maxEvents;

        @Override
        void quick() {
            rates = List.of(1000);
            seconds = 5;
            maxEvents = 10_000;
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            BenchResult.Builder result = BenchResult.builder("pipeline", "the whole embedded loop at real-time pace, training running")
                    .setting("data", flightsSample().getFileName()).setting("label delay", "2 s")
                    .setting("seconds per rate", seconds);
            for (int rate : rates) {
                DemoProcess.Result run = demo("pipeline-" + rate, live(rate, (long) rate * seconds), Duration.ofMinutes(15));
                Map<String, Object> latency = map(run.report(), "latency_ms");
                String at = String.format("at %,d/s", rate);
                result.figure(Figure.of("latency p50 " + at, number(latency, "p50"), "ms"));
                Figure p99 = Figure.of("latency p99 " + at, number(latency, "p99"), "ms");
                result.figure(rate == 5000 ? p99.withTarget(Target.atMost(20)) : p99);
                result.figure(Figure.of("latency p99.9 " + at, number(latency, "p999"), "ms"));
                result.figure(Figure.against("events/s sent " + at, number(run.report(), "throughput_events_per_s"),
                        "events/s", "offered", rate));
            }
            // Unpaced, the replay ends long before the loop: the loop's rate counts until it drained, so it gets time to.
            List<String> unpaced = new ArrayList<>(live(0, maxEvents));
            unpaced.addAll(List.of("--drain-timeout", "15m"));
            DemoProcess.Result max = demo("pipeline-max", unpaced, Duration.ofMinutes(20));
            double raw = rawCopyRate(kafka, topicPrefix, 200_000);
            result.figure(Figure.against("sustained maximum (events until drained)", number(max.report(), "loop_events_per_s"),
                    "events/s", "raw Kafka consume+produce", raw));
            result.note("Latency: the replay's send of an event to the scorer's timestamp on its prediction, over one event in 16.");
            result.note("Each rate and the unpaced run start a fresh factory in a child JVM with the factory script's heap.");
            result.note("Online quality is not a figure here: with event time = now, the flights' time-of-day and weekday features "
                    + "lose their meaning (see quality for the loop's learning).");
            return result.build();
        }
    }

    /** How soon a label shapes the served model, at real-time pace. */
    @Command(name = "freshness", mixinStandardHelpOptions = true,
            description = "Freshness at real-time pace (1,000 events/s, labels 2 s after their events): from a label's arrival "
                    + "to the first prediction by a release trained on it, p50 and p99, next to the label delay itself.")
    static final class Freshness extends LoopBench {
        @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "20", description = "Seconds of the run (default: ${DEFAULT-VALUE}; --quick 5).")
        int seconds;

        @Override
        void quick() {
            seconds = 5;
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            // The same run as the pipeline's 1,000/s when both run in one `bench all`.
            DemoProcess.Result run = demo("pipeline-1000", live(1000, 1000L * seconds), Duration.ofMinutes(15));
            Map<String, Object> freshness = map(run.report(), "freshness_s");
            return BenchResult.builder("freshness", "label arrival → first prediction by a release trained on it, at 1,000 events/s")
                    .setting("seconds", seconds).setting("label delay", "2 s")
                    .figure(Figure.of("freshness p50", number(freshness, "p50"), "s"))
                    .figure(Figure.of("freshness p99", number(freshness, "p99"), "s"))
                    .figure(Figure.of("releases", number(run.report(), "model_releases"), "releases"))
                    .note("The trainer publishes within its Kafka transaction, so a release becomes visible at its next checkpoint.")
                    .build();
        }
    }

    /** The full 3M flights through the loop at full speed: peak memory, time and consistency. */
    @Command(name = "memory", mixinStandardHelpOptions = true,
            description = "All 3M flights through the embedded loop at full speed with the real landing-time label delay: peak "
                    + "resident memory of the process (target: at most 1.5 GB), the loop's rate (target: at least 5,000 events/s) "
                    + "and whether every count is consistent.")
    static final class Memory extends LoopBench {
        @Option(names = "--data", paramLabel = "FILE", description = "The 3M flights (default: ../shared/data/flights-3m.csv.gz beside the factory).")
        Path data;

        @Option(names = "--events", paramLabel = "N", defaultValue = "0", description = "Stop after N events (default: all; --quick 20000).")
        long events;

        @Override
        void quick() {
            events = events == 0 ? 20_000 : events;
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            Path file = flightsFile(data, events);
            DemoProcess.Result run = demo("flights-logistic-landing", flightsRun(file, events, "logistic", null),
                    Duration.ofHours(2));
            Map<String, Object> r = run.report();
            double events = number(r, "events");
            boolean consistent = number(r, "predictions") == events && number(r, "examples") + number(r, "late_feedback")
                    == number(r, "feedback") && Boolean.TRUE.equals(r.get("drained"));
            double raw = rawCopyRate(kafka, topicPrefix, 200_000);
            return BenchResult.builder("memory", "the whole embedded loop over " + file.getFileName() + " at full speed")
                    .setting("events", (long) events).setting("heap", String.format("%,d MiB", Runtime.getRuntime().maxMemory() >> 20))
                    .figure(Figure.of("peak RSS", run.peakRssBytes() / 1e9, "GB").withTarget(Target.atMost(1.5)))
                    .figure(Figure.of("wall time", run.wallSeconds() / 60, "min").withTarget(Target.atMost(10)))
                    .figure(Figure.against("loop rate (events until drained)", number(r, "loop_events_per_s"), "events/s",
                            "raw Kafka consume+produce", raw))
                    .figure(Figure.of("loop rate, against the target", number(r, "loop_events_per_s"), "events/s")
                            .withTarget(Target.atLeast(5000)))
                    .figure(Figure.of("counts consistent (predictions = events, examples + late = feedback)", consistent ? 1 : 0, "yes=1"))
                    .note("Peak RSS is VmHWM of the child JVM, sampled every 0.5 s.")
                    .build();
        }
    }

    /** The arguments of a flights run at full speed; {@code labelDelay} null keeps the landing-time delay. */
    static List<String> flightsRun(Path data, long events, String kind, String labelDelay) {
        return flightsRun(data, events, kind, labelDelay, FeatureTiming.ARRIVAL, "max");
    }

    /** As above, with ingest's feature timing (arrival, the demo's default, adds no argument) and the replay's pace. */
    static List<String> flightsRun(Path data, long events, String kind, String labelDelay, FeatureTiming timing, String speedup) {
        List<String> args = new ArrayList<>(flights(data));
        args.addAll(List.of("--speedup", speedup, "--kind", kind));
        if (events > 0) {
            args.addAll(List.of("--events", Long.toString(events)));
        }
        if (labelDelay != null) {
            args.addAll(List.of("--label-delay", labelDelay));
        }
        if (timing != FeatureTiming.ARRIVAL) {
            args.addAll(List.of("--feature-timing", timing.label()));
        }
        return args;
    }

    /** Online quality over the full 3M flights, next to the constant baseline and the published reference points. */
    @Command(name = "quality", mixinStandardHelpOptions = true,
            description = "All 3M flights through the real loop, with the real landing-time label delay and with none: progressive "
                    + "log loss, AUC and accuracy overall and per month for each model kind, next to the constant base rate of the "
                    + "same labels; writes the learning curves as a PNG.")
    static final class Quality extends LoopBench {
        @Option(names = "--data", paramLabel = "FILE", description = "The 3M flights (default: ../shared/data/flights-3m.csv.gz beside the factory).")
        Path data;

        @Option(names = "--events", paramLabel = "N", defaultValue = "0", description = "Stop after N events (default: all; --quick 20000).")
        long events;

        @Option(names = "--kinds", paramLabel = "KIND", defaultValue = "logistic,deep", split = ",",
                description = "Model kinds, logistic, deep and/or wide-deep (default: ${DEFAULT-VALUE}; each kind costs a full run per delay).")
        List<String> kinds;

        @Option(names = "--delays", paramLabel = "DELAY", defaultValue = "landing,none", split = ",",
                description = "Label delays: landing (the mapping's; the logistic run is the memory bench's, shared), none (labels "
                        + "at once) (default: ${DEFAULT-VALUE}).")
        List<String> delays;

        @Option(names = "--chart", paramLabel = "FILE", description = "The PNG (default: " + HOME_OPTION + "/docs/learning-curve.png, "
                + "the docs' chart, for a whole run of the 3M flights; else learning-curve.png in --dir).")
        Path chart;

        @Option(names = "--feature-timing", defaultValue = "arrival", paramLabel = "TIMING", converter = IngestArguments.TimingOption.class,
                description = "Ingest's feature timing in every run, arrival or event-time (demo --feature-timing; default: ${DEFAULT-VALUE}).")
        FeatureTiming featureTiming;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
                description = "Runs of each kind and delay, 1 to 20, the kinds' order reversed every other round, with each kind's "
                        + "mean and its ratio to the logistic kind's when there are several, and round by round the mean difference, "
                        + "its standard error, the rounds won and an exact sign-flip p-value (one run of the loop is not deterministic: "
                        + "release cuts and thread timing moved the 200k flights' log loss by up to 0.004, paced or not) "
                        + "(default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--speedup", paramLabel = "X", defaultValue = "max",
                description = "The replay's pace, as demo --speedup: max, or X times the data's clock (3600: an hour of "
                        + "flights a second, where the loop's own delays weigh less on the served models; each run must end within 2 "
                        + "hours, so the 3M flights need max) (default: ${DEFAULT-VALUE}).")
        String speedup;

        @Override
        void quick() {
            events = events == 0 ? 20_000 : events;
            var given = spec.commandLine().getParseResult();
            if (!given.hasMatchedOption("--kinds")) {
                kinds = List.of("logistic");
            }
            if (!given.hasMatchedOption("--delays")) {
                delays = List.of("landing");
            }
        }

        @Override
        BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
            Path file = flightsFile(data, events);
            if (chart == null) {
                // Only a whole run of the 3M flights draws the docs' chart; other runs' curves stay with their runs.
                chart = file.equals(flights3m()) && events == 0 ? Path.of(HOME, "docs", "learning-curve.png") : dir.resolve("learning-curve.png");
            }
            BenchResult.Builder result = BenchResult.builder("quality", "online quality over " + file.getFileName()
                    + " through the real loop, progressive (each prediction judged by its label when it came)");
            result.setting("events", events == 0 ? "all" : events).setting("kinds", String.join(", ", kinds));
            if (kinds.stream().anyMatch(k -> heapFor(k) != null)) {
                result.setting("heap of the deep and wide-deep runs", DEEP_HEAP);
            }
            if (featureTiming != FeatureTiming.ARRIVAL) {
                result.setting("feature timing", featureTiming.label());
            }
            if (rounds < 1 || rounds > PairedRounds.MAX_ROUNDS) {
                throw new IllegalArgumentException("--rounds must be 1 to " + PairedRounds.MAX_ROUNDS + ", was " + rounds);
            }
            result.setting("rounds", rounds).setting("speedup", speedup);
            Map<String, List<LearningCurve.Point>> curves = new LinkedHashMap<>();
            Map<String, List<RunQuality>> byLabel = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                List<String> order = new ArrayList<>(kinds);
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String kind : order) {
                    for (String delay : delays) {
                        String name = "flights-" + kind + "-" + delay
                                + (featureTiming == FeatureTiming.ARRIVAL ? "" : "-" + featureTiming.label())
                                + (speedup.equals("max") ? "" : "-x" + speedup)
                                + (rounds == 1 ? "" : "-round" + round);
                        DemoProcess.Result run = demo(name, flightsRun(file, events, kind, delay.equals("none") ? "0s" : null,
                                featureTiming, speedup), heapFor(kind), Duration.ofHours(2));
                        String label = kind + ", label " + (delay.equals("none") ? "at once" : "at landing");
                        byLabel.computeIfAbsent(label, l -> new ArrayList<>()).add(RunQuality.of(run.report()));
                        figures(result, run.report(), label + (rounds == 1 ? "" : ", round " + round), delay, rounds == 1);
                        if (round == 1) {
                            curves.put(label, curve(run.report()));
                        }
                    }
                }
            }
            if (rounds > 1) {
                means(result, byLabel);
            }
            LearningCurveChart.write("Online log loss of the flights loop (rolling, per pane of examples)", "log loss", curves, chart);
            result.note("Learning curves: " + chart.getFileName() + ".");
            result.note("Reference (../shared/data/README.md, same file, progressive): constant 0.4999; Vowpal Wabbit logistic 0.4495 "
                    + "without delay and 0.4612 with the landing delay; with origin×destination pairs 0.4446 and 0.4566.");
            result.note("The log loss target (at most 0.4446 with the landing delay) is shown as a ratio to this run's constant base rate.");
            return result.build();
        }

        /** A run's overall figures, and with {@code byMonth} each month's. */
        private static void figures(BenchResult.Builder result, Map<String, Object> report, String label, String delay,
                                    boolean byMonth) {
            Map<String, Object> overall = map(report, "progressive");
            Figure logloss = Figure.against("log loss (" + label + ")", number(overall, "logloss"), "",
                    "constant base rate", number(overall, "constant_logloss"));
            result.figure(delay.equals("landing") ? logloss.withTarget(Target.atMost(0.4446 / number(overall, "constant_logloss"))) : logloss);
            result.figure(Figure.of("AUC (" + label + ")", number(overall, "auc"), ""));
            result.figure(Figure.of("accuracy (" + label + ")", 100 * number(overall, "accuracy"), "%"));
            if (!byMonth) {
                return;
            }
            map(report, "progressive_by_month").forEach((month, value) -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) value;
                result.figure(Figure.against("log loss " + month + " (" + label + ")", number(m, "logloss"), "",
                        "constant base rate", number(m, "constant_logloss")));
                result.figure(Figure.of("AUC " + month + " (" + label + ")", number(m, "auc"), ""));
                result.figure(Figure.of("accuracy " + month + " (" + label + ")", 100 * number(m, "accuracy"), "%"));
            });
        }

        /** One run's overall progressive figures. */
        record RunQuality(double logloss, double constantLogloss, double auc) {
            static RunQuality of(Map<String, Object> report) {
                Map<String, Object> overall = map(report, "progressive");
                return new RunQuality(number(overall, "logloss"), number(overall, "constant_logloss"), number(overall, "auc"));
            }

            static double mean(List<RunQuality> runs, java.util.function.ToDoubleFunction<RunQuality> figure) {
                return runs.stream().mapToDouble(figure).average().orElse(Double.NaN);
            }
        }

        /**
         * Each kind's mean over the rounds, and its mean log loss against the logistic kind's at the same delay: the
         * comparison of kinds that one run's noise cannot settle.
         */
        static void means(BenchResult.Builder result, Map<String, List<RunQuality>> byLabel) {
            byLabel.forEach((label, runs) -> {
                double logloss = RunQuality.mean(runs, RunQuality::logloss);
                result.figure(Figure.against("mean log loss (" + label + ", " + runs.size() + " runs)", logloss, "",
                        "constant base rate", RunQuality.mean(runs, RunQuality::constantLogloss)));
                result.figure(Figure.of("mean AUC (" + label + ", " + runs.size() + " runs)", RunQuality.mean(runs, RunQuality::auc), ""));
                String logistic = "logistic" + label.substring(label.indexOf(','));
                if (!label.equals(logistic) && byLabel.containsKey(logistic)) {
                    List<RunQuality> baseline = byLabel.get(logistic);
                    result.figure(Figure.against("mean log loss (" + label + ") against logistic", logloss, "",
                            "logistic's mean", RunQuality.mean(baseline, RunQuality::logloss)));
                    if (runs.size() > 1 && runs.size() == baseline.size()) {
                        paired(result, label, PairedRounds.of(runs.stream().map(RunQuality::logloss).toList(),
                                baseline.stream().map(RunQuality::logloss).toList()));
                    }
                }
            });
        }

        /** Round by round against the logistic kind's run of the same round: whether the rounds settle the comparison. */
        private static void paired(BenchResult.Builder result, String label, PairedRounds p) {
            String of = " (" + label + " - logistic, " + p.rounds() + " rounds)";
            result.figure(Figure.of("paired log loss difference" + of, p.meanDifference(), ""));
            result.figure(Figure.of("its standard error" + of, p.standardError(), ""));
            result.figure(Figure.of("rounds with the lower log loss" + of, p.wins(), "of " + p.rounds()));
            result.figure(Figure.of("p, sign-flip test of no gain" + of, p.pValue(), ""));
        }

        /**
         * The deep model's state (embeddings, optimizer moments, champion and pending copies) is about 40 MB on the
         * flights and each release 8 MB, copied several times on its way (checkpoint, sink, broker, consumers): at the
         * script's 768 MiB it ran out of heap a few hundred thousand flights in; the logistic model keeps the script's heap.
         * A wide-deep model holds the same embeddings and more.
         */
        static String heapFor(String kind) {
            return ModelKind.parse(kind) == ModelKind.LOGISTIC ? null : DEEP_HEAP;
        }

        static final String DEEP_HEAP = "1536m";

        @SuppressWarnings("unchecked")
        private static List<LearningCurve.Point> curve(Map<String, Object> report) {
            List<LearningCurve.Point> points = new ArrayList<>();
            long previous = 0;
            for (Object p : (List<Object>) map(report, "learning_curve").getOrDefault("points", List.of())) {
                List<Number> xy = (List<Number>) p;
                long examples = xy.get(0).longValue();
                long count = examples - previous;
                points.add(new LearningCurve.Point(examples, count, xy.get(1).doubleValue() * count));
                previous = examples;
            }
            return points;
        }
    }
}
