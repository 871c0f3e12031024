package ai.factory.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.ingest.job.FeatureTiming;
import ai.factory.ingest.job.IngestHandle;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import org.apache.flink.api.common.JobStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code factory ingest}: the feature-preparation Flink job, in this process (a local Flink MiniCluster). */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {
            "Runs the stream-ingest Flink job (events -> features) in this process.",
            "Validates, de-duplicates and featurizes events as the feature spec says; rejects go to events.dlq. To run "
                + "it on a Flink cluster instead, submit stream-ingest's job jar (stream-ingest/target/*-job.jar) with the "
                + "same options (see stream-ingest/README.md). Ctrl-C cancels the job."})
final class IngestCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
            description = "Feature spec: a JSON file, or classpath:specs/flights.json (default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N", description = "Operator parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--exactly-once",
            description = "Write features in Kafka transactions committed on checkpoints (visible one checkpoint later) instead of at-least-once.")
    boolean exactlyOnce;

    @Option(names = "--checkpoint-interval", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Checkpoint interval, e.g. 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", paramLabel = "URI", description = "File-system URI for checkpoints, kept on cancel (default: in memory).")
    String checkpointDir;

    @Option(names = "--feature-timing", defaultValue = "arrival", paramLabel = "TIMING", converter = TimingOption.class,
            description = "arrival (default): windows, feedback aggregates and standardization as of each event's arrival, "
                + "without waiting for the watermark; the values depend on arrival order. event-time: each event waits for "
                + "the watermark (the max out-of-orderness, 5s) and the values are the same on every replay.")
    FeatureTiming featureTiming;

    @Option(names = "--buffer-timeout", defaultValue = "5ms", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest a record waits in a Flink network buffer at each exchange (default: ${DEFAULT-VALUE}; "
                + "Flink's own is 100ms): lower is less latency, more and smaller flushes.")
    Duration bufferTimeout;

    @Option(names = "--linger", defaultValue = "5ms", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "linger.ms of the job's Kafka producers (default: ${DEFAULT-VALUE}): lower is less latency and "
                + "smaller batches; under load batches fill before it ends.")
    Duration linger;

    @Override
    public Integer call() throws Exception {
        if (checkpointInterval == null || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("--checkpoint-interval must be a positive duration");
        }
        IngestOptions options = IngestOptions.defaults(kafka.connection().bootstrapServers())
                .withTopicPrefix(kafka.prefix())
                .withSpecLocation(spec)
                .withParallelism(parallelism)
                .withExactlyOnce(exactlyOnce)
                .withCheckpointInterval(checkpointInterval)
                .withCheckpointDir(checkpointDir)
                .withFeatureTiming(featureTiming)
                .withLatency(bufferTimeout, linger);
        IngestHandle job = IngestJob.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            job.close();
            stopped.countDown();
        }, "ingest-shutdown"));
        System.err.println("stream-ingest running: " + kafka.topics().events() + " -> " + kafka.topics().features()
                + " (spec " + spec + "). Ctrl-C stops it.");
        while (!stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
            JobStatus status = job.status();
            if (status.isTerminalState()) {
                System.err.println("stream-ingest job ended: " + status);
                return status == JobStatus.FINISHED ? 0 : 1;
            }
        }
        return 0;
    }

    /** Reads {@code arrival} or {@code event-time}. */
    static final class TimingOption implements CommandLine.ITypeConverter<FeatureTiming> {
        @Override
        public FeatureTiming convert(String value) {
            try {
                return FeatureTiming.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
