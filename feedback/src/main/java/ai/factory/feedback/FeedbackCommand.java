package ai.factory.feedback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.target.ModelTarget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command-line options of the feedback app; {@link #toOptions()} is what a {@code factory feedback} command needs. */
@Command(name = "feedback", mixinStandardHelpOptions = true,
        description = "Join delayed feedback with what was served; write training examples and online quality.")
public final class FeedbackCommand implements Callable<Integer> {

    @Option(names = {"-b", "--bootstrap"}, defaultValue = "${env:FACTORY_BOOTSTRAP:-127.0.0.1:9092}", description = "Kafka bootstrap servers (default: $FACTORY_BOOTSTRAP, else ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--prefix", defaultValue = "${env:FACTORY_TOPIC_PREFIX:-}", description = "Prefix of every topic name (default: none)")
    String topicPrefix;

    @Option(names = "--application-id", defaultValue = FeedbackOptions.DEFAULT_APPLICATION_ID, description = "Kafka Streams application id (default: <prefix>${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--window", defaultValue = "P1D", description = "Event-time window for feedback, ISO-8601 (${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", defaultValue = "PT0S", description = "Extra time the join clock (oldest of the features, predictions and labels paths) must pass a window's end before it closes: allowance for input out of order (${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--late-retention", description = "How long closed events are remembered to recognize late feedback (default: the window).")
    Duration lateRetention;

    @Option(names = "--max-feedback-lag", defaultValue = "P7D", paramLabel = "DURATION", description = "How far labels may trail the served records before windows close without them (their labels then count as late); bounds the join state of a task whose labels stop (${DEFAULT-VALUE}).")
    Duration maxFeedbackLag;

    @Option(names = "--max-prediction-lag", defaultValue = "P1D", paramLabel = "DURATION", description = "How far predictions may trail the features (the scorer's lag in event time) before windows close without them; bounds the join state of a model nobody scores; 0 = do not wait for predictions (${DEFAULT-VALUE}).")
    Duration maxPredictionLag;

    @Option(names = "--policy", defaultValue = "last", description = "Default feedback policy: first|last|sum|max[,default=<label>|,no-example] (${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--model-policy", description = "Policy of one model: <model>=<policy>; repeatable.")
    List<String> modelPolicies = new ArrayList<>();

    @Option(names = "--state-dir", defaultValue = "feedback-state", description = "Local state folder (${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--in-memory-state", description = "Keep state in memory instead of RocksDB.")
    boolean inMemoryState;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of topics created when missing (${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--no-create-topics", negatable = false, description = "Do not create missing topics.")
    boolean noCreateTopics;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--commit-interval", defaultValue = "PT0.1S", description = "Transaction commit interval (${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(names = "--punctuate-every", defaultValue = "PT1S", description = "Event-time interval between sweeps for closed join windows and quality windows (${DEFAULT-VALUE}).")
    Duration punctuateEvery;

    @Option(names = "--dead-letter-topic", description = "Dead-letter topic (default: <prefix>feedback.dlq).")
    String deadLetterTopic;

    @Option(names = "--quality-count", defaultValue = "1000", description = "Judged predictions per count window (${DEFAULT-VALUE}).")
    int qualityCount;

    @Option(names = "--quality-time", defaultValue = "PT1H", description = "Length of quality time windows, by label time (${DEFAULT-VALUE}).")
    Duration qualityTime;

    @Option(names = "--quality-panes", defaultValue = "4", paramLabel = "N", description = "Windows slide: each is reported every 1/N of its length, over its whole length; 1 for tumbling windows. N must divide both window lengths (${DEFAULT-VALUE}).")
    int qualityPanes;

    @Option(names = "--task", paramLabel = "[MODEL=]TASK", description = "What a model's scores predict: binary (a probability; log loss, AUC, accuracy) or regression (a number in label units; RMSE, MAE). MODEL=TASK for one model, TASK alone for every other model; repeatable (default: binary).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--spec", paramLabel = "SPEC", description = "A feature spec (file) whose model section names a model and its task, as --task MODEL=TASK does; repeatable.")
    List<String> specs = new ArrayList<>();

    @Option(names = "--threshold", defaultValue = "0.5", description = "Decision threshold for accuracy (${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--auc-bins", defaultValue = "1000", description = "Score bins of the streaming AUC (${DEFAULT-VALUE}).")
    int aucBins;

    @Option(names = "--calibration-bins", defaultValue = "10", description = "Calibration bins (${DEFAULT-VALUE}).")
    int calibrationBins;

    @Option(names = "--drift-delta", defaultValue = "0.05", description = "Page-Hinkley tolerance on log loss (regression: on the absolute error over the running mean's MAE) (${DEFAULT-VALUE}).")
    double driftDelta;

    @Option(names = "--drift-lambda", defaultValue = "50", description = "Page-Hinkley alarm threshold (${DEFAULT-VALUE}).")
    double driftLambda;

    @Option(names = "--config", description = "Extra Kafka Streams setting key=value; repeatable.")
    Map<String, String> config = new LinkedHashMap<>();

    /** Parses command-line arguments into this command (for callers that do not run it). */
    public FeedbackCommand parse(java.util.List<String> args) {
        new picocli.CommandLine(this).parseArgs(args.toArray(String[]::new));
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
        JoinSettings join = new JoinSettings(window, grace, lateRetention == null ? window : lateRetention, policies,
                maxFeedbackLag, maxPredictionLag);
        QualitySettings quality = new QualitySettings(qualityCount, qualityTime, threshold, aucBins, calibrationBins,
                driftDelta, driftLambda, QualitySettings.defaults().driftMinSamples(), qualityPanes,
                QualityTasks.parse(withSpecTasks()));
        String prefix = topicPrefix == null ? "" : topicPrefix;
        String appId = FeedbackOptions.DEFAULT_APPLICATION_ID.equals(applicationId) ? prefix + applicationId : applicationId;
        return new FeedbackOptions(bootstrap, topicPrefix, appId, join, quality, punctuateEvery, deadLetterTopic,
                stateDir, inMemoryState, partitions, !noCreateTopics, threads, commitInterval, config);
    }

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        FeedbackApp app = FeedbackApp.start(toOptions(), new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "feedback-shutdown"));
        stopped.await();
        return 0;
    }
}
