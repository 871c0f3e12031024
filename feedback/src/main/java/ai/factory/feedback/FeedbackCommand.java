package ai.factory.feedback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.metrics.MetricsEndpoint;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.options.MetricsOptions;
import ai.factory.target.ModelTarget;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Command-line options of the feedback app; {@link #toOptions()} is what a {@code factory feedback} command needs. */
@Command(name = "feedback", mixinStandardHelpOptions = true,
        description = {
            "Joins delayed feedback with what was served; writes training examples and online quality.",
            "Kafka Streams settings (num.standby.replicas, replication.factor, consumer.-prefixed ones, ...) go in the "
                + "--kafka-config file with the client settings; the app's other clients ignore them. The app sets "
                + "application.id, processing.guarantee, state.dir, num.stream.threads and commit.interval.ms itself, "
                + "from the options below."})
public final class FeedbackCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--application-id", defaultValue = FeedbackOptions.DEFAULT_APPLICATION_ID, paramLabel = "NAME",
            description = "Kafka Streams application id, after the topic prefix; it names the consumer group, transactional "
                    + "ids and internal topics (default: <prefix>${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--window", defaultValue = FeedbackOptions.DEFAULT_WINDOW_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Event-time window for feedback: a label counts when it comes at most this long after its event "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", defaultValue = FeedbackOptions.DEFAULT_GRACE_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Extra time the join clock (oldest of the features, predictions and labels paths) must pass a "
                    + "window's end before it closes: allowance for input out of order (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--late-retention", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long closed events are remembered to recognize late feedback (default: the window).")
    Duration lateRetention;

    @Option(names = "--max-feedback-lag", defaultValue = JoinSettings.DEFAULT_MAX_FEEDBACK_LAG_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How far labels may trail the served records before windows close without them (their labels then "
                    + "count as late); bounds the join state of a task whose labels stop (default: ${DEFAULT-VALUE}).")
    Duration maxFeedbackLag;

    @Option(names = "--max-prediction-lag", defaultValue = JoinSettings.DEFAULT_MAX_PREDICTION_LAG_TEXT,
            paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How far predictions may trail the features (the scorer's lag in event time) before windows close "
                    + "without them; bounds the join state of a model nobody scores; 0s: do not wait for predictions "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration maxPredictionLag;

    @Option(names = "--max-ahead-of-wall-clock", defaultValue = TimeBounds.DEFAULT_MAX_AHEAD_OF_WALL_CLOCK_TEXT,
            paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Features, predictions and labels timed further than this ahead of the wall clock (or not after "
                    + "1970-01-01) go to the dead-letter topic (TIME_OUT_OF_BOUNDS) and move no clock; history of any age "
                    + "passes; forever: no bound (default: ${DEFAULT-VALUE}).")
    Duration maxAheadOfWallClock;

    @Option(names = "--max-label-before-event", defaultValue = TimeBounds.DEFAULT_MAX_LABEL_BEFORE_EVENT_TEXT,
            paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Labels timed further than this before their event go to the dead-letter topic "
                    + "(LABEL_BEFORE_EVENT); forever: not checked (default: ${DEFAULT-VALUE}).")
    Duration maxLabelBeforeEvent;

    @Option(names = "--max-clock-jump", defaultValue = TimeBounds.DEFAULT_MAX_CLOCK_JUMP_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Records timed further than this ahead of their own path (the newest time of the task's "
                    + "features, predictions or labels) go to the dead-letter topic (TIME_JUMP). Such records move no "
                    + "clock, so a legitimate gap longer than this (a producer down, live data after a replay) would "
                    + "dead-letter that path for good: set it only for replays of history without such gaps; forever: "
                    + "no bound (default: ${DEFAULT-VALUE}).")
    Duration maxClockJump;

    @Option(names = "--policy", defaultValue = FeedbackPolicy.STANDARD, paramLabel = "POLICY",
            description = "Default feedback policy: first|last|sum|max[,default=<label>|,no-example] (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--model-policy", paramLabel = "MODEL=POLICY", description = "Policy of one model; repeatable.")
    List<String> modelPolicies = new ArrayList<>();

    @Option(names = "--state-dir", defaultValue = FeedbackOptions.DEFAULT_STATE_DIR, paramLabel = "DIR",
            description = "Local state folder (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--in-memory-state", description = "Keep state in memory instead of RocksDB.")
    boolean inMemoryState;

    @Option(names = "--partitions", defaultValue = "" + FeedbackOptions.DEFAULT_PARTITIONS, paramLabel = "N",
            description = "Partitions of topics created when missing (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--no-create-topics", negatable = false, description = "Do not create missing topics.")
    boolean noCreateTopics;

    @Option(names = "--threads", defaultValue = "" + FeedbackOptions.DEFAULT_THREADS, paramLabel = "N",
            description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--commit-interval", defaultValue = FeedbackOptions.DEFAULT_COMMIT_INTERVAL_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How often transactions commit: the latency of examples (default: ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(names = "--punctuate-every", defaultValue = FeedbackOptions.DEFAULT_PUNCTUATE_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Event-time interval between sweeps for closed join windows and quality windows (default: ${DEFAULT-VALUE}).")
    Duration punctuateEvery;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", description = "Dead-letter topic (default: <prefix>feedback.dlq).")
    String deadLetterTopic;

    @Option(names = "--quality-count", defaultValue = "" + QualitySettings.DEFAULT_COUNT_WINDOW, paramLabel = "N",
            description = "Judged predictions per count window (default: ${DEFAULT-VALUE}).")
    int qualityCount;

    @Option(names = "--quality-time", defaultValue = QualitySettings.DEFAULT_TIME_WINDOW_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Length of quality time windows, by label time (default: ${DEFAULT-VALUE}).")
    Duration qualityTime;

    @Option(names = "--quality-panes", defaultValue = "" + QualitySettings.DEFAULT_PANES, paramLabel = "N",
            description = "Windows slide: each is reported every 1/N of its length, over its whole length; 1 for tumbling "
                    + "windows. N must divide both window lengths (default: ${DEFAULT-VALUE}).")
    int qualityPanes;

    @Option(names = "--task", paramLabel = "[MODEL=]TASK",
            description = "What a model's scores predict: binary (a probability; log loss, AUC, accuracy) or regression (a "
                    + "number in label units; RMSE, MAE). MODEL=TASK for one model, TASK alone for every other model; "
                    + "repeatable (default: binary).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--spec", paramLabel = "SPEC",
            description = "A feature spec (file) whose model section names a model and its task, as --task MODEL=TASK does; repeatable.")
    List<String> specs = new ArrayList<>();

    @Option(names = "--threshold", defaultValue = "" + QualitySettings.DEFAULT_THRESHOLD, paramLabel = "P",
            description = "Decision threshold for accuracy (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--auc-bins", defaultValue = "" + QualitySettings.DEFAULT_AUC_BINS, paramLabel = "N",
            description = "Score bins of the streaming AUC (default: ${DEFAULT-VALUE}).")
    int aucBins;

    @Option(names = "--calibration-bins", defaultValue = "" + QualitySettings.DEFAULT_CALIBRATION_BINS, paramLabel = "N",
            description = "Calibration bins (default: ${DEFAULT-VALUE}).")
    int calibrationBins;

    @Option(names = "--drift-delta", defaultValue = "" + QualitySettings.DEFAULT_DRIFT_DELTA, paramLabel = "X",
            description = "Page-Hinkley tolerance on log loss (regression: on the absolute error over the running mean's MAE) "
                    + "(default: ${DEFAULT-VALUE}).")
    double driftDelta;

    @Option(names = "--drift-lambda", defaultValue = "" + QualitySettings.DEFAULT_DRIFT_LAMBDA, paramLabel = "X",
            description = "Page-Hinkley alarm threshold (default: ${DEFAULT-VALUE}).")
    double driftLambda;

    /** Parses command-line arguments into this command (for callers that do not run it). */
    public FeedbackCommand parse(List<String> args) {
        new CommandLine(this).parseArgs(args.toArray(String[]::new));
        return this;
    }

    /** The --task values, then a MODEL=TASK for each --spec (later values win). */
    private List<String> withSpecTasks() {
        List<String> all = new ArrayList<>(tasks);
        for (String spec : specs) {
            ModelTarget target = ModelTarget.ofSpec(spec);
            all.add(target.name() + "=" + target.task());
        }
        return all;
    }

    /** The options these arguments describe. */
    public FeedbackOptions toOptions() {
        FeedbackPolicies policies = FeedbackPolicies.parse(FeedbackPolicy.parse(policy), modelPolicies);
        Duration window = required(this.window, "--window");
        JoinSettings join = new JoinSettings(window, required(grace, "--grace"),
                lateRetention == null ? window : lateRetention, policies,
                required(maxFeedbackLag, "--max-feedback-lag"), required(maxPredictionLag, "--max-prediction-lag"),
                new TimeBounds(maxAheadOfWallClock, maxLabelBeforeEvent, maxClockJump));
        QualitySettings quality = new QualitySettings(qualityCount, required(qualityTime, "--quality-time"), threshold,
                aucBins, calibrationBins, driftDelta, driftLambda, QualitySettings.DEFAULT_DRIFT_MIN_SAMPLES, qualityPanes,
                QualityTasks.parse(withSpecTasks()));
        String prefix = kafka.prefix();
        return new FeedbackOptions(kafka.connection(), prefix, prefix + applicationId, join, quality,
                required(punctuateEvery, "--punctuate-every"), deadLetterTopic, stateDir, inMemoryState, partitions,
                !noCreateTopics, threads, required(commitInterval, "--commit-interval"));
    }

    /** {@code value}, unless it is forever: these options need a bound. */
    private static Duration required(Duration value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " must be a duration, not forever");
        }
        return value;
    }

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsEndpoint endpoint = metrics.serve(meters::scrape);
        FeedbackApp app = FeedbackApp.start(toOptions(), meters);
        Thread shutdown = new Thread(() -> {
            app.close();
            if (endpoint != null) {
                endpoint.close();
            }
            closed.countDown();
        }, "feedback-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        Optional<String> failure = app.awaitStop();
        if (failure.isEmpty()) {
            closed.await(); // stopped by the shutdown hook: let it finish closing
            return 0;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdown);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook closes the app.
        }
        app.close();
        if (endpoint != null) {
            endpoint.close();
        }
        throw new IllegalStateException("feedback app stopped: " + failure.get());
    }
}
