package ai.factory.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.cli.demo.DashboardFreshness;
import ai.factory.cli.demo.DemoInputs;
import ai.factory.cli.demo.DemoReport;
import ai.factory.cli.demo.TrainingCadence;
import ai.factory.cli.demo.EmbeddedFactory;
import ai.factory.cli.demo.LiveView;
import ai.factory.cli.demo.LoopObserver;
import ai.factory.cli.demo.LearningGate;
import ai.factory.cli.demo.PoisonOption;
import ai.factory.cli.demo.PoisonedStretch;
import ai.factory.ingest.job.FeatureTiming;
import ai.factory.ingest.job.IngestArguments;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.kafka.KafkaConnection;
import ai.factory.target.ModelTarget;
import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.replay.Mapping;
import ai.factory.replay.Replay;
import ai.factory.serde.AvroCodec;
import ai.factory.topics.Topics;
import ai.factory.trainer.job.ModelInput;
import ai.factory.trainer.job.TrainerOptions;
import ai.factory.trainer.job.TrainerProfile;
import ai.factory.trainer.model.ModelConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code factory demo}: the whole loop on one machine, on real data, with a live view and a final report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs the whole loop in this JVM on a replayed data set.",
            "Starts a Kafka broker, the stream-ingest and online-trainer Flink jobs, the ONNX Runtime scorer, the "
                + "feedback app and the ops dashboard, then replays the data: each row an event at its time, its label "
                + "as feedback when it arrives, paced by event time. Shows live progress, drains at the end and prints "
                + "a summary (and --report FILE.json)."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE",
            description = "CSV, TSV, JSON Lines or JSON array file, optionally gzipped (default: data/flights-200k.csv.gz "
                    + "of the project). Its mapping and spec are the ones `factory init --data FILE` wrote beside it, "
                    + "unless --mapping and --spec say otherwise.")
    Path data;

    @Option(names = "--mapping", paramLabel = "FILE",
            description = "How rows become events and feedback (default: FILE's from factory init; data/flights.mapping.json without --data).")
    Path mapping;

    @Option(names = "--spec", paramLabel = "SPEC",
            description = "Feature spec, a file or classpath:...; it names the model, its task and the spec version "
                    + "(default: FILE's from factory init; " + IngestOptions.DEFAULT_SPEC + " without --data).")
    String specLocation;

    @Option(names = "--sort", description = "Sort the file by event time first (in bounded memory, in the work folder); without it a file out of time order is refused.")
    boolean sort;

    @Option(names = "--max-disorder", defaultValue = "0s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Without --sort, allow a row this far behind the latest event time before it, e.g. 30s; 'forever' "
                    + "skips the check (default: ${DEFAULT-VALUE}). Further, and the file is refused before anything starts.")
    Duration maxDisorder;

    @Option(names = "--label-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long after its event a label may arrive and still join its prediction (default: 1d, or "
                    + "twice the mapping's fixed label_delay when that is longer). Later labels are counted late.")
    Duration labelWindow;

    @Option(names = "--speedup", defaultValue = "3600", paramLabel = "X",
            description = "Replay X times faster than the data's clock, or 'max' (default: ${DEFAULT-VALUE}: an hour of flights a second).")
    String speedup;

    @Option(names = "--events", defaultValue = "0", paramLabel = "N", description = "Stop after N events (default: the whole file).")
    long events;

    @Option(names = "--label-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Every label this long after its event, instead of the mapping's label timing (0s: labels at once; "
                    + "a what-if of how much the label delay costs).")
    Duration labelDelay;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "N",
            description = "Send at most N events a second, whatever the speed-up (default: no limit).")
    double rate;

    @Option(names = "--live", paramLabel = "LABEL_DELAY", converter = DurationConverter.class,
            description = "Replay as a live stream: each event stamped with the wall clock as it is sent, its label LABEL_DELAY later "
                    + "(e.g. 2s); the file's own times only order the rows. Pace it with --rate. Measures the real-time path.")
    Duration live;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Also write the summary as JSON.")
    Path report;

    @Option(names = "--poison-labels", paramLabel = "FROM-TO", converter = PoisonOption.Converter.class,
            description = {"A drill: flip the labels (1 - label) of the events from FROM to TO of the way through the replay, "
                    + "as fractions of its events (e.g. 0.4-0.6), to watch the model decisions cope with wrong feedback. "
                    + "Binary models only (a regression model is refused). The summary and report say which events and "
                    + "event times were poisoned; the report's governance section lists the decisions."})
    PoisonOption poisonLabels;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--kind", defaultValue = "logistic", paramLabel = "KIND", description = "logistic, deep or wide-deep (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--max-ahead", paramLabel = "N",
            description = {"Hold the replay while the labels it has sent exceed the examples the newest release has learned "
                    + "from by more than N (default: five of the release intervals sized to the file, 5000 for the flights; 0 "
                    + "for no bound). Labels in flight and the release cadence need a few intervals; the bound keeps "
                    + "--speedup max a test of online learning rather than of one stale model."})
    Long maxAhead;

    @Option(names = "--publish-every-examples", paramLabel = "N",
            description = "The trainer publishes a release after this many new examples (default: "
                    + TrainerProfile.DEMO_PUBLISH_EVERY_EXAMPLES + ", the trainer's demo profile; for a file of "
                    + "fewer than 20,000 rows a twentieth of its rows, at least 100).")
    Long publishEveryExamples;

    @Option(names = "--holdout", paramLabel = "N",
            description = "Unseen examples a release is judged on before promotion (default: half the release interval).")
    Integer holdout;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Examples per training step (default: " + TrainerProfile.DEMO_BATCH_SIZE
                    + ", the trainer's demo profile; for a file of fewer than 51,200 rows a 200th of its rows, at least 16).")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "X",
            description = "The trainer's Adam learning rate (default: " + ModelConfig.LOGISTIC_ADAM_LEARNING_RATE
                    + " for logistic, " + ModelConfig.WIDE_DEEP_WIDE_LEARNING_RATE + " for wide-deep's wide part, "
                    + ModelConfig.ADAM_LEARNING_RATE + " for deep: the trainer's defaults).")
    Double learningRate;

    @Option(names = "--ops-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Dashboard port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int opsPort;

    @Option(names = "--drain-timeout", defaultValue = "120s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After the replay, how long to wait for the last predictions and examples (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--explain", defaultValue = "0", paramLabel = "K",
            description = "The scorer explains every prediction by its K leading features (scorer --explain); the summary "
                    + "checks that every explanation adds up to the score it explains and names an event to try "
                    + "'factory explain' on (default: ${DEFAULT-VALUE}, none).")
    int explain;

    @Option(names = "--feature-timing", defaultValue = "arrival", paramLabel = "TIMING", converter = IngestArguments.TimingOption.class,
            description = "When ingest fills the windows and feedback aggregates (ingest --feature-timing): arrival "
                    + "(default), as each event arrives, so a fast replay sees the labels that reached ingest by then; "
                    + "event-time, once the watermark passes the event, so every replay computes the same values at any "
                    + "speed-up, for runs compared with each other (each event waits for the watermark; the last ones, once the "
                    + "replay ends, for half ingest's source idleness).")
    FeatureTiming featureTiming;

    @Option(names = "--stay", description = "Keep everything running after the summary (for the dashboard) until Ctrl-C.")
    boolean stay;

    private Path workDir;
    private DemoInputs inputs;
    /** The parts while they run, for the shutdown hook. */
    private volatile EmbeddedFactory running;
    private TrainingCadence cadence;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("factory.home", "."));
        inputs = DemoInputs.resolve(home, data, mapping, specLocation);
        Path dataFile = inputs.data();
        Mapping map = labelDelay == null ? inputs.mapping() : inputs.mapping().withLabelDelay(labelDelay);
        ModelTarget target = inputs.spec().model();
        if (poisonLabels != null && target.regression()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--poison-labels flips binary labels; model "
                    + target.name() + " is a regression model, whose labels have no opposite to flip to");
        }
        Topics topics = kafka.topics();
        double pace = "max".equalsIgnoreCase(speedup) ? 0 : parsePositive(speedup);
        PrintWriter out = spec.commandLine().getOut();
        if (System.getenv("FACTORY_LOG_LEVEL") == null) {
            // The live view is the demo's voice; every release and swap is on the dashboard.
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ai.factory"))
                    .setLevel(ch.qos.logback.classic.Level.WARN);
        }
        long started = System.nanoTime();

        out.println("Using " + inputs.how());
        Path work = Files.createTempDirectory("factory-demo-");
        workDir = work;
        // Ctrl-C and SIGTERM end the JVM without running the finally below: a shutdown hook stops the parts (the
        // broker would write on into the folder while shutting down) and removes the folder then.
        Thread removeWork = new Thread(() -> {
            EmbeddedFactory parts = running;
            if (parts != null) {
                parts.close();
            }
            deleteQuietly(work);
        }, "demo-work-removal");
        Runtime.getRuntime().addShutdownHook(removeWork);
        if (rate < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must not be negative, was " + rate);
        }
        Replay.Options replayOptions = new Replay.Options(dataFile, map, topics, true, map.hasLabel(), pace, rate, events,
                sort, Replay.Options.disorder(maxDisorder), work);
        if (live != null) {
            replayOptions = replayOptions.live(live);
        }
        long rows;
        long replayed;
        out.println("Reading " + dataFile.getFileName() + " once (rows" + (sort ? "" : ", time order") + ")...");
        out.flush();
        try {
            // Before anything starts: a file out of order is refused at once, and the cadence fits the file.
            rows = TrainingCadence.countRows(replayOptions);
            // A poisoned stretch is a share of the events the replay sends: a file too large to count for the cadence
            // is counted for it all the same.
            replayed = rows >= 0 || poisonLabels == null ? rows : Replay.scan(replayOptions);
        } catch (IOException | RuntimeException e) {
            removeNow(work, removeWork);
            throw e;
        }
        if (rows >= 0 && !sort) {
            // The scan checked the order: the replay need not read the file once more to check it again.
            replayOptions = replayOptions.withMaxDisorder(Replay.Options.NO_ORDER_CHECK);
        }
        PoisonedStretch.Recorder poisoning = null;
        if (poisonLabels != null) {
            poisoning = new PoisonedStretch.Recorder(poisonLabels, poisonLabels.over(replayed));
            replayOptions = replayOptions.withLabels(poisoning.flip());
            out.printf("Poisoning labels: events %,d to %,d of %,d flipped (--poison-labels %s)%n",
                    poisoning.flip().fromEvent(), poisoning.flip().toEvent() - 1, replayed, poisonLabels);
        }
        PoisonedStretch.Recorder poisoned = poisoning;
        cadence = rows < 0 ? TrainingCadence.LARGE : TrainingCadence.forRows(events > 0 ? Math.min(rows, events) : rows);
        out.printf("Training: batches of %d, a release every %,d examples judged on the next %,d%s%n",
                batchSize != null ? batchSize : cadence.batchSize(),
                publishEveryExamples != null ? publishEveryExamples : cadence.publishEveryExamples(),
                holdout != null ? holdout : cadence.holdout(), rows < 0 ? "" : String.format(" (%,d rows)", rows));
        // No --bootstrap, $FACTORY_BOOTSTRAP or --kafka-config: a broker of the demo's own, in this JVM.
        KafkaConnection cluster = kafka.cluster().orElse(null);
        out.println("Starting the factory (" + (cluster == null ? "embedded Kafka" : cluster)
                + ", Flink in-process, ONNX Runtime on CPU)...");
        out.flush();
        try (EmbeddedFactory factory = EmbeddedFactory.start(
                new EmbeddedFactory.Settings(cluster, topics, inputs.specLocation(), target, joinWindow(map), opsPort, work,
                        // Live, labels come the given delay after their events in wall-clock time.
                        live != null ? EmbeddedFactory.rememberEvents(live, 1)
                                : EmbeddedFactory.rememberEvents(joinWindow(map), replayOptions.speedup()), explain,
                        featureTiming),
                this::trainerOptions);
             LoopObserver observer = new LoopObserver(factory.connection(), topics, factory.registry(), target.regression());
             KafkaProducer<String, byte[]> producer = ProduceCommand.producer(factory.connection())) {
            running = factory;
            Thread watcher = new Thread(observer, "demo-observer");
            watcher.setDaemon(true);
            watcher.start();
            out.println("Dashboard: " + factory.dashboardUrl());
            out.println("Prometheus metrics of every part: " + factory.metricsUrl());
            out.println("Replaying " + dataFile + (events > 0 ? " (first " + events + " events)" : "")
                    + " at " + pace(replayOptions)
                    + (featureTiming == FeatureTiming.EVENT_TIME ? ", features at event time" : "") + "...");
            out.flush();

            LiveView live = new LiveView(System.err, observer, factory.dashboardUrl());
            long replayStarted = System.nanoTime();
            Replay replay = new Replay(replayOptions,
                    AvroCodec.of(Event.class, factory.registry()), AvroCodec.of(Feedback.class, factory.registry()));
            long ahead = maxAhead != null ? maxAhead : cadence.maxAhead();
            AtomicLong labelsSent = new AtomicLong();
            Replay.Gate gate = ahead <= 0 ? Replay.Gate.OPEN
                    : new LearningGate(observer::releasedExamplesTrained, labelsSent::get, ahead, Duration.ofSeconds(60), System.err);
            Replay.Progress sent = replay.run(producer, new Replay.Listener() {
                @Override
                public void progress(Replay.Progress p) {
                    live.show(p);
                }

                @Override
                public void sorted(long rows, int runs) {
                    out.printf("Sorted %,d rows by event time (%d run%s)%n", rows, runs, runs == 1 ? "" : "s");
                    out.flush();
                }

                @Override
                public void badLine(long lineNumber, String reason) {
                    live.badLine(lineNumber, reason);
                }

                @Override
                public void eventSent(Event event) {
                    observer.eventSent(event.getId(), System.currentTimeMillis());
                }

                @Override
                public void labelChanged(long eventIndex, Event event, Feedback sent) {
                    poisoned.flipped(event);
                }

                @Override
                public void feedbackSent(Feedback feedback) {
                    labelsSent.incrementAndGet();
                    observer.feedbackSent(feedback.getEventId(), System.currentTimeMillis());
                }
            }, gate);
            long replayEnded = System.nanoTime();
            if (sent.failed() > 0) {
                // The replay stopped at the first failed record; the loop drains what did arrive.
                out.printf("%,d of %,d records were not delivered to Kafka: %s%n", sent.failed(), sent.delivery().sent(),
                        sent.delivery().firstError());
                out.flush();
            }
            boolean drained = live.drain(sent, drainTimeout);
            long drainEnded = System.nanoTime();
            DemoReport summary = DemoReport.of(target.name(), sent, observer, drained,
                    (replayEnded - replayStarted) / 1e9, (drainEnded - replayStarted) / 1e9, (System.nanoTime() - started) / 1e9,
                    poisoned == null ? null : poisoned.stretch(), DashboardFreshness.of(factory.freshness()), factory.cost());
            summary.print(out);
            if (report != null) {
                writeJson(report, summary.toJson());
                out.println("report written to " + report);
            }
            out.flush();
            if (stay) {
                out.println("Still running; dashboard at " + factory.dashboardUrl() + ". Ctrl-C stops everything.");
                out.flush();
                new CountDownLatch(1).await();
            }
            return drained ? 0 : 3;
        } finally {
            removeNow(work, removeWork);
        }
    }

    private static String pace(Replay.Options o) {
        String speed = o.speedup() == 0 ? "full speed" : o.speedup() + "x";
        if (o.maxEventsPerSecond() > 0) {
            speed = (o.speedup() == 0 ? "" : speed + ", at most ") + String.format("%,.0f events/s", o.maxEventsPerSecond());
        }
        return o.liveLabelDelay() == null ? speed
                : speed + " as a live stream (event time = now, labels " + o.liveLabelDelay().toMillis() + " ms later)";
    }

    /** Removes the work folder now, and its shutdown hook unless the JVM is already shutting down (then it runs). */
    private static void removeNow(Path work, Thread hook) {
        deleteQuietly(work);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway and finds nothing left to remove.
        }
    }

    /**
     * The trainer's options for the loop: the trainer's demo profile (see {@link TrainerProfile#DEMO}), with the
     * release cadence sized to the data and what the demo's own options say.
     */
    private TrainerOptions trainerOptions(KafkaConnection cluster) {
        List<String> args = new ArrayList<>(List.of("--profile", TrainerProfile.DEMO.label(), "--prefix", kafka.prefix(), "--kind", kind,
                "--batch-size", String.valueOf(batchSize != null ? batchSize : cadence.batchSize()),
                "--publish-every-examples", String.valueOf(publishEveryExamples != null ? publishEveryExamples : cadence.publishEveryExamples()),
                "--holdout", String.valueOf(holdout != null ? holdout : cadence.holdout()),
                // Weights, optimizer state and the release under evaluation outgrow the JobManager's 5 MiB.
                "--checkpoint-dir", workDir.resolve("trainer-checkpoints").toUri().toString()));
        if (learningRate != null) {
            args.addAll(List.of("--learning-rate", String.valueOf(learningRate)));
        }
        TrainCommand train = CommandLine.populateCommand(new TrainCommand(), args.toArray(String[]::new));
        return train.trainer.options(cluster, ModelInput.fromSpec(inputs.specLocation()));
    }

    /** The feedback join's window: labels later than this after their event are late. */
    private Duration joinWindow(Mapping map) {
        if (labelWindow != null) {
            return labelWindow;
        }
        Duration window = Duration.ofDays(1);
        if (map.labelTiming() instanceof Mapping.LabelDelay fixed && fixed.delay().multipliedBy(2).compareTo(window) > 0) {
            window = fixed.delay().multipliedBy(2);
        }
        return window;
    }

    private static double parsePositive(String text) {
        try {
            double x = Double.parseDouble(text);
            if (x > 0 && Double.isFinite(x)) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--speedup must be a positive number or 'max', was '" + text + "'");
    }

    private static void writeJson(Path file, Map<String, Object> json) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
