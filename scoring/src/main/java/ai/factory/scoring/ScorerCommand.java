package ai.factory.scoring;

import java.time.Duration;
import java.util.concurrent.Callable;

import ai.factory.metrics.MetricsEndpoint;
import ai.factory.onnx.Device;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.options.MetricsOptions;
import ai.factory.options.CommandLines;
import ai.factory.target.ModelTarget;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code score}: runs one scorer instance until the process is stopped. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Scores feature vectors with the champion model from the models topic and writes predictions.")
public final class ScorerCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ScorerCommand.class);

    @Mixin
    KafkaOptions kafka;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--model", paramLabel = "NAME", description = "Model whose champions to serve (or --spec).")
    String model;

    @Option(names = "--spec", paramLabel = "SPEC", description = "Feature spec (a file) whose model to serve: its model section names it.")
    String spec;

    @Option(names = "--group", defaultValue = ScorerOptions.DEFAULT_GROUP, paramLabel = "NAME",
            description = "Consumer group of the scorer instances, after the topic prefix (default: <prefix>${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--instance", paramLabel = "NAME", description = "Name of this instance in client ids and logs (default: scorer-<pid>).")
    String instance;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, cuda or cuda:N; CUDA falls back to the CPU with a warning (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads per session (default: half the cores).")
    Integer threads;

    @Option(names = "--spinning", description = "Let idle ONNX Runtime threads spin (default: off).")
    boolean spinning;

    @Option(names = "--max-batch", defaultValue = "" + ScorerOptions.DEFAULT_MAX_BATCH, paramLabel = "N",
            description = "Most vectors per ONNX Runtime run (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-wait", defaultValue = ScorerOptions.DEFAULT_MAX_WAIT_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Longest a vector waits for its batch to fill (default: ${DEFAULT-VALUE}: each poll's vectors are scored at once, "
                    + "so batches grow only with a backlog). More makes fuller batches on a steady stream at the cost of up "
                    + "to this much latency per vector.")
    Duration maxWait;

    @Option(names = "--linger", defaultValue = ScorerOptions.DEFAULT_LINGER_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "linger.ms of the predictions producer (default: ${DEFAULT-VALUE}): longer gathers more predictions per request at "
                    + "the cost of up to this much latency; 0s sends at once.")
    Duration linger;

    @Option(names = "--max-pending", paramLabel = "N",
            description = "Unscored vectors per partition before it is paused (default: " + ScorerOptions.PENDING_BATCHES
                    + " x max batch).")
    Integer maxPending;

    @Option(names = "--commit-interval", defaultValue = ScorerOptions.DEFAULT_COMMIT_INTERVAL_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class, description = "How often handled offsets are committed (default: ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(names = "--shadow", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also score every vector with the newest candidate of its spec (the challenger) and write its "
                    + "scores to predictions.shadow, in the same transaction as the champion's (default: on; --no-shadow "
                    + "turns it off).")
    boolean shadow;

    @Option(names = "--delivery", defaultValue = "auto", paramLabel = "MODE",
            description = "exactly-once (predictions, dead letters and consumed offsets commit in Kafka transactions; "
                    + "read predictions with isolation.level=read_committed), at-least-once, or auto: exactly-once when "
                    + "the cluster answers a transaction probe, else at-least-once (default: ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--outage-limit", defaultValue = ScorerOptions.DEFAULT_OUTAGE_LIMIT_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long writes to Kafka may keep failing (retried with backoff from 100 ms to 30 s) before the "
                    + "scorer exits with an error (default: ${DEFAULT-VALUE}).")
    Duration outageLimit;

    @Option(names = "--explain", defaultValue = "0", paramLabel = "K",
            description = "Attach to every prediction the K features that moved its score most, with their parts of the "
                    + "output (the logit of a binary score) and the baseline they add to: exact for a logistic model, "
                    + "integrated gradients for a deep one. 0, the default, explains nothing and costs nothing.")
    int explain;

    @Option(names = "--from-latest", description = "A new group starts at the end of the features topic instead of its beginning.")
    boolean fromLatest;

    /** The options these arguments describe. */
    public ScorerOptions options() {
        if ((model == null) == (spec == null)) {
            throw new IllegalArgumentException("name the model to serve with --model NAME or --spec SPEC (one of them)");
        }
        String prefix = kafka.prefix();
        String model = this.model != null ? this.model : ModelTarget.ofSpec(spec).name();
        return new ScorerOptions(kafka.connection(), prefix, model, prefix + group,
                instance != null ? instance : ScorerOptions.defaultInstance(), Device.parse(device),
                threads != null ? threads : ScorerOptions.defaultThreads(), spinning, maxBatch,
                required(maxWait, "--max-wait"), maxPending != null ? maxPending : ScorerOptions.PENDING_BATCHES * maxBatch,
                required(commitInterval, "--commit-interval"), shadow, !fromLatest,
                ScorerOptions.DEFAULT_STARTUP_TIMEOUT, required(linger, "--linger"), Delivery.parse(delivery),
                required(outageLimit, "--outage-limit"), explain);
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
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsEndpoint endpoint = metrics.serve(meters::scrape);
        Scorer scorer = Scorer.start(options(), meters);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scorer.close();
            if (endpoint != null) {
                endpoint.close();
            }
        }, "scorer-shutdown"));
        while (scorer.isRunning()) {
            scorer.awaitTermination(Duration.ofSeconds(30));
            log.info("served {} predictions so far", (long) meters.get("factory.scoring.predictions").counter().count());
        }
        if (scorer.failure() != null) {
            log.error("Scorer stopped: {}", scorer.failure().getMessage());
            return 1;
        }
        return 0;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.standard(new ScorerCommand()).execute(args));
    }
}
