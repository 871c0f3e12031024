package ai.factory.scoring;

import java.time.Duration;
import java.util.concurrent.Callable;

import ai.factory.onnx.Device;
import ai.factory.target.ModelTarget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code score}: runs one scorer instance until the process is stopped. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Scores feature vectors with the champion model from the models topic and writes predictions.")
public final class ScorerCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ScorerCommand.class);

    @Option(names = {"-b", "--bootstrap"}, defaultValue = "${env:FACTORY_BOOTSTRAP:-127.0.0.1:9092}", description = "Kafka bootstrap servers (default: $FACTORY_BOOTSTRAP, else ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--prefix", defaultValue = "${env:FACTORY_TOPIC_PREFIX:-}", description = "Prefix of every topic name (default: none)")
    String topicPrefix;

    @Option(names = "--model", description = "Model name whose champions to serve (or --spec)")
    String model;

    @Option(names = "--spec", paramLabel = "SPEC", description = "Feature spec (a file) whose model to serve: its model section names it")
    String spec;

    @Option(names = "--group", defaultValue = ScorerOptions.DEFAULT_GROUP, description = "Consumer group of the scorer instances (default: <prefix>${DEFAULT-VALUE})")
    String group;

    @Option(names = "--instance", description = "Name of this instance in client ids and logs (default: scorer-<pid>)")
    String instance;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N; CUDA falls back to the CPU with a warning")
    String device;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads per session (default: half the cores)")
    Integer threads;

    @Option(names = "--spinning", description = "Let idle ONNX Runtime threads spin (off by default)")
    boolean spinning;

    @Option(names = "--max-batch", defaultValue = "256", description = "Most vectors per ONNX Runtime run (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "0",
            description = "Longest a vector waits for its batch to fill (default: ${DEFAULT-VALUE}: each poll's vectors are scored "
                    + "at once, so batches grow only with a backlog). More makes fuller batches on a steady stream at the "
                    + "cost of up to this much latency per vector.")
    long maxWaitMs;

    @Option(names = "--linger-ms", defaultValue = "2",
            description = "linger.ms of the predictions producer (default: ${DEFAULT-VALUE}): longer gathers more predictions "
                    + "per request at the cost of up to this much latency; 0 sends at once")
    long lingerMs;

    @Option(names = "--max-pending", description = "Unscored vectors per partition before it is paused (default: 4 x max batch)")
    Integer maxPending;

    @Option(names = "--commit-interval-ms", defaultValue = "1000", description = "How often handled offsets are committed (default: ${DEFAULT-VALUE})")
    long commitIntervalMs;

    @Option(names = "--shadow", description = "Also score with the challenger and write to predictions.shadow")
    boolean shadow;

    @Option(names = "--from-latest", description = "A new group starts at the end of the features topic instead of its beginning")
    boolean fromLatest;

    /** The options these arguments describe. */
    public ScorerOptions options() {
        if ((model == null) == (spec == null)) {
            throw new IllegalArgumentException("name the model to serve with --model NAME or --spec SPEC (one of them)");
        }
        String model = this.model != null ? this.model : ModelTarget.ofSpec(spec).name();
        ScorerOptions defaults = ScorerOptions.defaults(bootstrap, model);
        String prefix = topicPrefix == null ? "" : topicPrefix;
        return new ScorerOptions(bootstrap, topicPrefix, model, ScorerOptions.DEFAULT_GROUP.equals(group) ? prefix + group : group,
                instance != null ? instance : defaults.instanceId(), Device.parse(device),
                threads != null ? threads : ScorerOptions.defaultThreads(), spinning, maxBatch,
                Duration.ofMillis(maxWaitMs), maxPending != null ? maxPending : 4 * maxBatch,
                Duration.ofMillis(commitIntervalMs), shadow, !fromLatest, defaults.startupTimeout(), Duration.ofMillis(lingerMs));
    }

    @Override
    public Integer call() throws InterruptedException {
        MeterRegistry meters = new SimpleMeterRegistry();
        Scorer scorer = Scorer.start(options(), meters);
        Runtime.getRuntime().addShutdownHook(new Thread(scorer::close, "scorer-shutdown"));
        while (scorer.isRunning()) {
            scorer.awaitTermination(Duration.ofSeconds(30));
            log.info("served {} predictions so far", (long) meters.get("factory.scoring.predictions").counter().count());
        }
        return scorer.failure() == null ? 0 : 1;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScorerCommand()).execute(args));
    }
}
