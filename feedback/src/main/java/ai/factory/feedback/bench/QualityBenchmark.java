package ai.factory.feedback.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import ai.factory.feedback.FeedbackMetrics;
import ai.factory.feedback.FeedbackOptions;
import ai.factory.feedback.FeedbackTopology;
import ai.factory.feedback.JoinSettings;
import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.Outcome;
import ai.factory.feedback.quality.OutcomeSerde;
import ai.factory.kafka.KafkaConnection;
import ai.factory.options.CommandLines;
import ai.factory.options.DurationConverter;
import ai.factory.serde.InMemorySchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Outcomes per second of the feedback app's quality side (the outcomes repartition topic → {@code QualityProcessor}
 * with its state stores, changelogs and exactly-once commits, on a TopologyTestDriver), next to a no-op processor
 * reading the same outcomes in the same run, so the quality processor's cost comes out as a ratio to the driver's own.
 *
 * <p>The outcomes are shaped like the demo's: versions one after another, {@code --examples-per-version} predictions
 * each, every prediction served (SERVED) and judged {@code --label-lag} predictions later (JUDGED), so two versions
 * receive outcomes at a time and every version ever seen stays in the state. The rate of the first and of the last
 * tenth of the run shows whether the cost per outcome grows with the run's length. The driver commits after every
 * record, so the changelog bytes are the bytes the store writes per outcome (a real app's record cache would merge
 * some of them within a commit interval).
 */
@Command(name = "quality-benchmark", mixinStandardHelpOptions = true)
public final class QualityBenchmark implements Callable<Integer> {

    private static final long T0 = 1_700_000_000_000L;
    private static final String MODEL = "bench";

    @Option(names = "--versions", defaultValue = "200", paramLabel = "N",
            description = "Model versions, one after another (default: ${DEFAULT-VALUE}).")
    int versions;

    @Option(names = "--examples-per-version", defaultValue = "1000", paramLabel = "N",
            description = "Predictions served by each version (default: ${DEFAULT-VALUE}).")
    int perVersion;

    @Option(names = "--label-lag", defaultValue = "500", paramLabel = "N",
            description = "Predictions between one's serving and its label (default: ${DEFAULT-VALUE}).")
    int labelLag;

    @Option(names = "--gap", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Event time between two predictions (default: ${DEFAULT-VALUE}).")
    Duration gap;

    @Option(names = "--join-window", defaultValue = "1h", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Join window: how long after its end a quality time window closes; 36500d: never, as in "
                    + "the demo (default: ${DEFAULT-VALUE}).")
    Duration joinWindow;

    @Option(names = "--rocksdb", description = "RocksDB stores (default: in memory, as the demo).")
    boolean rocksdb;

    @Option(names = "--warm-up", defaultValue = "20000", paramLabel = "N",
            description = "Outcomes of the unreported warm-up run of each side (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Rounds of both sides; the median ratio is reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    public static void main(String[] args) {
        System.exit(CommandLines.standard(new QualityBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int total = 2 * versions * perVersion - labelLag;
        System.out.printf("%d versions x %d predictions, label %d predictions later, %s apart; join window %s; %s stores;"
                + " %d outcomes; %d rounds%n", versions, perVersion, labelLag, gap, joinWindow,
                rocksdb ? "RocksDB" : "in-memory", total, rounds);
        run(new NoOp(), warmUp);
        run(new Quality(), warmUp);
        System.out.printf("%-7s %-18s %12s %14s %14s %16s%n", "round", "", "outcomes/s", "first 10 %/s", "last 10 %/s",
                "changelog B/out");
        double[] ratio = new double[rounds];
        double[] firstRatio = new double[rounds];
        double[] lastRatio = new double[rounds];
        double[] lastToFirst = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            // Each round measures both sides back to back, so their ratio sees the same machine.
            Result baseline = run(new NoOp(), total);
            Result quality = run(new Quality(), total);
            print(round, "no-op processor", baseline);
            print(round, "quality processor", quality);
            ratio[round] = quality.rate() / baseline.rate();
            firstRatio[round] = quality.firstRate / baseline.firstRate;
            lastRatio[round] = quality.lastRate / baseline.lastRate;
            lastToFirst[round] = quality.lastRate / quality.firstRate;
        }
        System.out.printf("median of %d rounds: quality / no-op %.3f (first tenth %.3f, last tenth %.3f);"
                + " quality's last / first tenth %.2f%n", rounds, median(ratio), median(firstRatio), median(lastRatio),
                median(lastToFirst));
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void print(int round, String name, Result r) {
        System.out.printf("%-7d %-18s %12.0f %14.0f %14.0f %16.0f%n", round + 1, name, r.rate(), r.firstRate, r.lastRate,
                (double) r.changelogBytes / r.outcomes);
    }

    private record Result(long outcomes, long nanos, double firstRate, double lastRate, long changelogBytes) {
        double rate() {
            return outcomes * 1e9 / nanos;
        }
    }

    /** A topology reading the outcomes, and the topic to pipe them into. */
    private interface Side {
        TopologyTestDriver driver(Path state);

        String input();
    }

    private Result run(Side side, int count) throws Exception {
        Path state = Files.createTempDirectory("quality-bench");
        SplittableRandom random = new SplittableRandom(42);
        long changelogBytes = 0;
        long first = 0;
        long lastStart = 0;
        long start = System.nanoTime();
        int tenth = Math.max(1, count / 10);
        try (TopologyTestDriver driver = side.driver(state)) {
            TestInputTopic<String, Outcome> in = driver.createInputTopic(side.input(), new StringSerializer(),
                    new OutcomeSerde().serde().serializer());
            long gapMs = gap.toMillis();
            int sent = 0;
            for (long i = 0; sent < count; i++) {
                long now = T0 + i * gapMs;
                long version = i / perVersion;
                in.pipeInput(Outcome.modelKey(MODEL, version), Outcome.served(MODEL, version, now), now);
                sent++;
                long j = i - labelLag;
                if (j >= 0 && sent < count) {
                    double score = random.nextDouble();
                    long eventTime = T0 + j * gapMs;
                    long labelTime = eventTime + random.nextLong(labelLag * gapMs);
                    long v = j / perVersion;
                    in.pipeInput(Outcome.modelKey(MODEL, v), Outcome.judged(MODEL, v, score,
                            random.nextDouble() < score ? 1 : 0, eventTime, labelTime, false), now);
                    sent++;
                }
                if (sent % 1000 < 2) {
                    changelogBytes += drain(driver);
                }
                if (first == 0 && sent >= tenth) {
                    first = System.nanoTime();
                }
                if (lastStart == 0 && sent >= count - tenth) {
                    lastStart = System.nanoTime();
                }
            }
            changelogBytes += drain(driver);
        }
        long end = System.nanoTime();
        return new Result(count, end - start, tenth * 1e9 / (first - start), tenth * 1e9 / (end - lastStart),
                changelogBytes);
    }

    /** Empties the driver's output queues (they grow without bound otherwise); returns the changelog bytes in them. */
    private static long drain(TopologyTestDriver driver) {
        long bytes = 0;
        for (String topic : driver.producedTopicNames()) {
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(topic, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            boolean changelog = topic.endsWith("-changelog") && topic.contains("quality");
            while (!out.isEmpty()) {
                TestRecord<byte[], byte[]> r = out.readRecord();
                if (changelog) {
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                }
            }
        }
        return bytes;
    }

    private Properties props(FeedbackOptions options) {
        Properties props = FeedbackTopology.streamsConfig(options);
        props.put("max.task.idle.ms", "-1");
        return props;
    }

    private FeedbackOptions options(Path state) {
        return FeedbackOptions.defaults(KafkaConnection.of("unused:9092"))
                .withJoin(new JoinSettings(joinWindow, Duration.ZERO, joinWindow,
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withState(state, !rocksdb);
    }

    /** The feedback topology; the outcomes go straight into its repartition topic, past the join. */
    private final class Quality implements Side {
        private String input;

        @Override
        public TopologyTestDriver driver(Path state) {
            FeedbackOptions options = options(state);
            input = options.applicationId() + "-" + FeedbackTopology.OUTCOMES + "-repartition";
            return new TopologyTestDriver(FeedbackTopology.build(options, new InMemorySchemaRegistry(),
                    new FeedbackMetrics(new SimpleMeterRegistry())), props(options));
        }

        @Override
        public String input() {
            return input;
        }
    }

    /** The same outcomes into a processor that does nothing: what the driver and the outcome serde cost. */
    private final class NoOp implements Side {
        @Override
        public TopologyTestDriver driver(Path state) {
            Topology topology = new Topology();
            topology.addSource("outcomes", Serdes.String().deserializer(), new OutcomeSerde().serde().deserializer(),
                    input());
            topology.addProcessor("no-op", () -> new Processor<String, Outcome, Void, Void>() {
                @Override
                public void process(Record<String, Outcome> record) {
                }
            }, "outcomes");
            return new TopologyTestDriver(topology, props(options(state)));
        }

        @Override
        public String input() {
            return "outcomes";
        }
    }
}
