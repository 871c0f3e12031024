package ai.factory.ingest.job;

import java.time.Duration;

import ai.factory.serde.SchemaRegistryAddress;
import org.apache.flink.util.ParameterTool;
import org.apache.flink.util.TimeUtils;

/**
 * Command-line options of the job jar, e.g.
 * {@code --bootstrap host:9092 --prefix demo. --spec /specs/flights.json --parallelism 2 --exactly-once true
 * --checkpoint-interval 10s --checkpoint-dir file:///tmp/ckpt --feature-timing event-time}. Durations read like {@code 500ms}, {@code 10s}, {@code 1h}.
 */
public final class IngestArguments {

    /** Help text of every option, printed on a missing {@code --bootstrap}. */
    public static final String USAGE = String.join("\n",
            "--bootstrap HOST:PORT        Kafka bootstrap servers (required)",
            "--prefix P                   topic name prefix (default: none)",
            "--spec PATH                  feature spec file or classpath:... (default " + IngestOptions.DEFAULT_SPEC + ")",
            "--parallelism N              (default 1)",
            "--exactly-once true|false    Kafka transactions committed per checkpoint (default false)",
            "--checkpoint-interval D      (default 10s)",
            "--checkpoint-dir URI         checkpoint storage, retained on cancel (default: JobManager memory)",
            "--registry kafka|in-process  schema registry (default kafka: the <prefix>schemas topic)",
            "--group-id G                 consumer group and transactional-id base (default <prefix>" + IngestOptions.DEFAULT_GROUP_ID + ")",
            "--out-of-orderness D         how late an event may be and still be on time (default 5s); with event-time",
            "                             timing also how long each event waits for its features",
            "--idleness D                 (default 10s)",
            "--dedup-ttl D                (default 1h)",
            "--bounded true|false         stop at the offsets present at start (default false)",
            "--restore-from PATH          checkpoint or savepoint to restore",
            "--restart-attempts N         fixed-delay restarts (default 3)",
            "--feature-timing T           arrival (default): windows, feedback and standardization as of the event's",
            "                             arrival, no wait for the watermark, values depend on arrival order;",
            "                             event-time: wait for the watermark, same values on every replay",
            "--buffer-timeout D           flush interval of Flink's network buffers (default " + millis(IngestOptions.DEFAULT_BUFFER_TIMEOUT)
                    + "; Flink's own: 100ms):",
            "                             lower is less latency at each keyed step, more and smaller flushes",
            "--linger D                   linger.ms of the Kafka sinks (default " + millis(IngestOptions.DEFAULT_SINK_LINGER)
                    + "): lower is less latency,",
            "                             smaller producer batches; under load batches fill before it ends");

    private IngestArguments() {
    }

    public static IngestOptions parse(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        if (!p.has("bootstrap")) {
            throw new IllegalArgumentException("--bootstrap is required\n" + USAGE);
        }
        IngestOptions d = IngestOptions.defaults(p.get("bootstrap"));
        SchemaRegistryAddress registry = "in-process".equals(p.get("registry", "kafka")) ? SchemaRegistryAddress.inProcess() : null;
        return new IngestOptions(d.bootstrapServers(),
                p.get("prefix", d.topicPrefix()),
                p.get("spec", d.specLocation()),
                p.getInt("parallelism", d.parallelism()),
                p.getBoolean("exactly-once", d.exactlyOnce()),
                duration(p, "checkpoint-interval", d.checkpointInterval()),
                p.get("checkpoint-dir", d.checkpointDir()),
                registry,
                p.get("group-id", p.get("prefix", d.topicPrefix()) + d.groupId()),
                duration(p, "out-of-orderness", d.maxOutOfOrderness()),
                duration(p, "idleness", d.sourceIdleness()),
                duration(p, "dedup-ttl", d.dedupTtl()),
                p.getBoolean("bounded", d.bounded()),
                p.get("restore-from", d.restoreFrom()),
                p.getInt("restart-attempts", d.restartAttempts()),
                d.restartDelay(),
                p.has("feature-timing") ? FeatureTiming.parse(p.get("feature-timing")) : d.featureTiming(),
                duration(p, "buffer-timeout", d.bufferTimeout()),
                duration(p, "linger", d.sinkLinger()));
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }

    private static Duration duration(ParameterTool p, String key, Duration fallback) {
        return p.has(key) ? TimeUtils.parseDuration(p.get(key)) : fallback;
    }
}
