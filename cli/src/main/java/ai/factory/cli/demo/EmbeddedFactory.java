package ai.factory.cli.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import ai.factory.broker.EmbeddedKafka;
import ai.factory.feedback.FeedbackApp;
import ai.factory.feedback.FeedbackOptions;
import ai.factory.feedback.JoinSettings;
import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.ingest.job.FeatureTiming;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.kafka.KafkaConnection;
import ai.factory.metrics.CostSummary;
import ai.factory.target.ModelTarget;
import ai.factory.ops.OpsOptions;
import ai.factory.records.QualityTask;
import ai.factory.ops.OpsServer;
import ai.factory.scoring.Scorer;
import ai.factory.scoring.ScorerOptions;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import ai.factory.trainer.job.TrainerJob;
import ai.factory.trainer.job.TrainerOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole factory in one JVM: a real Kafka broker (unless an external one is given), the stream-ingest and
 * online-trainer Flink jobs on local MiniClusters, the scorer, the feedback app and the ops console. Parts start in
 * the order data flows and stop in reverse.
 */
public final class EmbeddedFactory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedFactory.class);

    /**
     * What to run.
     *
     * @param cluster           a Kafka cluster to use (its settings reach every client), or null for an embedded broker
     * @param specLocation      the feature spec the ingest job prepares
     * @param model             the model the spec feeds: what the scorer serves and the feedback app judges
     * @param joinWindow        how long after its event a label still joins
     * @param workDir           folder for the embedded broker's storage and the feedback app's state
     * @param rememberEvents    how long (wall clock) ingest remembers an event id, for de-duplication and to attribute
     *                          its label to its entity: long enough for the label to come, see {@link #rememberEvents}
     * @param explainTop        features per prediction's explanation (scorer {@code --explain}); 0 for none
     * @param featureTiming     when ingest fills the stateful features (ingest {@code --feature-timing})
     */
    public record Settings(KafkaConnection cluster, Topics topics, String specLocation, ModelTarget model,
                           Duration joinWindow, int opsPort, Path workDir, Duration rememberEvents, int explainTop,
                           FeatureTiming featureTiming) {
    }

    /**
     * How long ingest must remember an event for its label, in wall-clock time: the join window replayed at {@code
     * speedup} (0: full speed), twice over, at least two minutes and at most ingest's own default of an hour. At
     * ingest's hour, a replay at full speed kept every event id of the 3M flights in the heap and ran out of it.
     */
    public static Duration rememberEvents(Duration joinWindow, double speedup) {
        Duration floor = Duration.ofMinutes(2);
        if (speedup <= 0) {
            return floor;
        }
        Duration replayed = Duration.ofMillis((long) (2 * joinWindow.toMillis() / speedup));
        Duration hour = Duration.ofHours(1);
        return replayed.compareTo(floor) < 0 ? floor : replayed.compareTo(hour) > 0 ? hour : replayed;
    }

    /**
     * How far the demo's join lets labels and predictions trail the features: a century, i.e. no bound. The lags bound
     * the join's state where a scorer or a label source may stop; in the demo the replay writes every label and the
     * scorer runs as long as it does. A bound in event time also misfires on a replay: when the feedback app starts
     * with a backlog it may read features far ahead before its first label (a week of sparse data is a handful of
     * events), and a clock that took the labels to be a week behind would find all of them late.
     */
    static final Duration REPLAY_DELIVERS_ALL = Duration.ofDays(36_525);

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final KafkaConnection connection;
    private final SchemaRegistry registry;
    private final OpsServer ops;
    private final PrometheusMeterRegistry meters;

    private EmbeddedFactory(KafkaConnection connection, SchemaRegistry registry, OpsServer ops, PrometheusMeterRegistry meters) {
        this.connection = connection;
        this.registry = registry;
        this.ops = ops;
        this.meters = meters;
    }

    /** What every part's CPU time came to so far, per unit of work (each part measures its own threads). */
    public CostSummary cost() {
        return CostSummary.of(meters);
    }

    /** The freshness rows the dashboard shows now ({@code /api/freshness}). */
    public java.util.List<ai.factory.ops.freshness.FreshnessRow> freshness() {
        return ops.service().freshness();
    }

    /** Starts every part; on failure stops what had started and rethrows. */
    public static EmbeddedFactory start(Settings s, TrainerOptionsFactory trainerOptions) throws Exception {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        // One registry for every part, the Flink jobs' own metrics bridged into it: ops's /metrics serves the loop.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        started.push(meters::close);
        try {
            // Every client of every part (the jobs, the scorer, the feedback app, ops, the observer) reaches Kafka through this.
            KafkaConnection connection = s.cluster();
            if (connection == null) {
                EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(0, s.workDir().resolve("kafka"), Map.of()));
                started.push(kafka);
                connection = KafkaConnection.of(kafka.bootstrapServers());
            }
            try (Admin admin = Admin.create(connection.clientConfig())) {
                // The replay carries historic record times: a time-based retention would delete them at once.
                TopicAdmin.ensure(admin, TopicCatalog.of(s.topics(), TopicCatalog.DEFAULT_PARTITIONS, null));
            }
            SchemaRegistry registry = SchemaRegistryAddress.kafka(connection, s.topics().schemas()).open();
            started.push(registry);

            log.info("starting stream-ingest (Flink)");
            started.push(IngestJob.start(IngestOptions.defaults(connection).withTopicPrefix(s.topics().prefix())
                    .withSpecLocation(s.specLocation()).withDedupTtl(s.rememberEvents()).withFeatureTiming(s.featureTiming())
                    // In the work folder, removed with it: ingest's own temporary folder outlived every demo run.
                    .withCheckpointDir(Files.createDirectories(s.workDir().resolve("ingest-checkpoints")).toUri().toString()), meters));

            log.info("starting feedback (Kafka Streams)");
            // The prefix also names the application id, under which Streams keeps its state (the join clock too):
            // demos with other prefixes on the same cluster must not restore each other's.
            FeedbackOptions feedback = FeedbackOptions.defaults(connection).withTopicPrefix(s.topics().prefix())
                    .withJoin(new JoinSettings(s.joinWindow(), Duration.ZERO, s.joinWindow(),
                            // Each event has one outcome: take it as soon as it is joined.
                            FeedbackPolicies.of(FeedbackPolicy.parse("first")), REPLAY_DELIVERS_ALL,
                            REPLAY_DELIVERS_ALL))
                    .withState(Files.createDirectories(s.workDir().resolve("feedback-state")), true)
                    .withTask(s.model().name(), s.model().regression() ? QualityTask.REGRESSION : QualityTask.BINARY);
            started.push(FeedbackApp.start(feedback, registry, meters));

            log.info("starting the scorer (ONNX Runtime)");
            // The defaults: shadow scoring on, so the feedback app pairs each candidate's losses with the champion's.
            started.push(Scorer.start(ScorerOptions.defaults(connection, s.model().name()).withTopicPrefix(s.topics().prefix()).withExplain(s.explainTop()),
                    registry, meters));

            log.info("starting online-trainer (Flink + ONNX Runtime)");
            TrainerJob.Running trainer = TrainerJob.start(trainerOptions.create(connection), meters);
            started.push(trainer);

            // Samples more often than the default: the demo's lag changes within seconds.
            OpsServer ops = new OpsServer(OpsOptions.defaults(connection).withPrefix(s.topics().prefix())
                    .withHttp(OpsOptions.DEFAULT_HOST, s.opsPort())
                    .withSampling(Duration.ofSeconds(2), OpsOptions.DEFAULT_WINDOW), meters).start();
            started.push(ops);
            EmbeddedFactory factory = new EmbeddedFactory(connection, registry, ops, meters);
            factory.running.addAll(started);
            return factory;
        } catch (Exception | Error e) {
            closeAll(started);
            throw e;
        }
    }

    /** Builds the trainer options once the cluster is known. */
    @FunctionalInterface
    public interface TrainerOptionsFactory {
        TrainerOptions create(KafkaConnection kafka) throws Exception;
    }

    public String bootstrapServers() {
        return connection.bootstrapServers();
    }

    /** How the parts reach Kafka: what further clients of the factory (the demo's observer) take. */
    public KafkaConnection connection() {
        return connection;
    }

    public SchemaRegistry registry() {
        return registry;
    }

    public String dashboardUrl() {
        return ops.url();
    }

    /** Where every part's metrics are served, in Prometheus's text format: ops's {@code /metrics}. */
    public String metricsUrl() {
        return ops.url() + "metrics";
    }

    /** Stops every part in reverse order; a second call (the shutdown hook and the caller both) finds nothing left. */
    @Override
    public synchronized void close() {
        closeAll(running);
    }

    private static void closeAll(Deque<AutoCloseable> parts) {
        while (!parts.isEmpty()) {
            AutoCloseable part = parts.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
