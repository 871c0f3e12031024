package ai.factory.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

import ai.factory.cli.demo.LoopObserver;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.LabeledExample;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.topics.Topics;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The loop as separate processes, as an operator runs it apart ({@code factory broker}, {@code ingest}, {@code score},
 * {@code feedback}, {@code train}, {@code produce}), under faults during a steady replay: two rounds of every stage
 * killed with SIGKILL at once and started again with the same command line, then the broker stopped for 90 s and
 * started again on the same storage, then the replay stopped with SIGTERM. Afterwards, read back with
 * {@code read_committed}: every valid event it delivered exactly one prediction, every label exactly one example,
 * every example trained on once, served model versions never going backwards on a partition, and every process still
 * running. The figures go to {@code target/fault-suite.json}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessFaultSuite {

    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final Path DIR = Path.of("target", "fault-suite").toAbsolutePath();
    private static final String SPEC = "classpath:specs/flights.json";
    /** A ceiling only: the replay is stopped with SIGTERM once the faults are over, long before it. */
    private static final int REPLAY_LIMIT = 100_000;
    /** Events a second: a steady stream a 2-core machine keeps up with while six JVMs share it. */
    private static final int RATE = 60;
    /** Two: the second restores from a checkpoint the first restore's job took (a restore of a restore). */
    private static final int KILL_ROUNDS = 2;
    private static final Duration BROKER_OUTAGE = Duration.ofSeconds(90);

    /** The line each stage prints once it runs. */
    private static final Map<String, Pattern> READY = Map.of(
            "ingest", Pattern.compile("stream-ingest running"),
            "scorer", Pattern.compile("Scorer \\S+ serving model"),
            "feedback", Pattern.compile("Feedback app \\S+ started"),
            "trainer", Pattern.compile("online-trainer running"));

    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<FactoryProcess> stages = new ArrayList<>();
    private FactoryProcess broker;
    private FactoryProcess producer;
    private KafkaConnection connection;
    private KafkaSchemaRegistry registry;
    private LoopObserver observer;

    @BeforeAll
    void startTheLoopAsProcesses() throws Exception {
        deleteRecursively(DIR);
        Files.createDirectories(DIR);
        int port = freePort();
        String bootstrap = "127.0.0.1:" + port;
        broker = FactoryProcess.start("broker", DIR, "768m", "broker", "--port", "" + port,
                "--data-dir", DIR.resolve("broker-data").toString(), "--partitions", "3");
        Awaitility.await("broker up with its topics").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> broker.log().contains("Ctrl-C stops it") || !broker.isAlive());
        assertThat(broker.isAlive()).as("broker running; its log: %s", broker.logFile()).isTrue();

        connection = KafkaConnection.of(bootstrap);
        registry = new KafkaSchemaRegistry(connection, new Topics("").schemas());
        observer = new LoopObserver(connection, new Topics(""), registry, false);
        Thread watching = new Thread(observer, "fault-suite-observer");
        watching.setDaemon(true);
        watching.start();

        String b = "--bootstrap=" + bootstrap;
        stages.add(FactoryProcess.start("ingest", DIR, "512m", "ingest", b, "--spec=" + SPEC, "--exactly-once",
                "--checkpoint-interval=2s", "--checkpoint-dir=" + DIR.resolve("ingest-checkpoints").toUri(),
                "--restore-from=latest"));
        stages.add(FactoryProcess.start("scorer", DIR, "384m", "score", b, "--spec=" + SPEC));
        stages.add(FactoryProcess.start("feedback", DIR, "384m", "feedback", b, "--spec=" + SPEC, "--policy=first",
                "--window=1d", "--grace=0s", "--state-dir=" + DIR.resolve("feedback-state")));
        stages.add(FactoryProcess.start("trainer", DIR, "512m", "train", b, "--spec=" + SPEC, "--profile=demo",
                "--checkpoint-dir=" + DIR.resolve("trainer-checkpoints").toUri(), "--restore-from=latest"));

        // The replay rides out the broker's outage: deliveries may take up to 5 minutes before they count as failed.
        Path clientConfig = DIR.resolve("produce.properties");
        Files.writeString(clientConfig, "delivery.timeout.ms=300000\nmax.block.ms=300000\n");
        producer = FactoryProcess.start("produce", DIR, "256m", "produce",
                HOME.resolve("data/flights-200k.csv.gz").toString(), "-m", HOME.resolve("data/flights.mapping.json").toString(),
                b, "--kafka-config=" + clientConfig, "--limit=" + REPLAY_LIMIT, "--rate=" + RATE);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (observer != null) {
            observer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (producer != null) {
            producer.close();
        }
        for (FactoryProcess stage : stages) {
            stage.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (!figures.isEmpty()) {
            Files.writeString(Path.of("target", "fault-suite.json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        }
    }

    @Test
    void killedStagesAndAStoppedBrokerLoseNothingAndDuplicateNothing() throws Exception {
        stages.forEach(this::awaitReady);
        progress("steady replay", LoopObserver.Snapshot::predictedEvents, 200, Duration.ofMinutes(3));

        // Each round kills every stage at once: the harshest order, and one recovery wait per round instead of four.
        List<Double> recoveries = new ArrayList<>();
        for (int round = 1; round <= KILL_ROUNDS; round++) {
            long killedAt = System.nanoTime();
            for (FactoryProcess stage : stages) {
                stage.kill();
            }
            Map<String, Long> before = new LinkedHashMap<>();
            LoopObserver.Snapshot atKill = observer.snapshot();
            stages.forEach(stage -> before.put(stage.name(), measureOf(stage).applyAsLong(atKill)));
            stages.forEach(FactoryProcess::restart);
            stages.forEach(this::awaitReady);
            for (FactoryProcess stage : stages) {
                awaitAtLeast(stage + " after kill round " + round, measureOf(stage),
                        before.get(stage.name()) + (stage.name().equals("trainer") ? 1 : 5 * RATE), Duration.ofMinutes(4));
            }
            recoveries.add(seconds(killedAt));
        }
        figures.put("kill_round_to_progress_s", recoveries);

        assertThat(producer.isAlive()).as("the replay still under way when the broker stops; see %s", producer.logFile()).isTrue();
        broker.stop(60);
        long stoppedAt = System.nanoTime();
        Awaitility.await("every stage alive through the broker's " + BROKER_OUTAGE.toSeconds() + " s outage")
                .during(BROKER_OUTAGE).atMost(BROKER_OUTAGE.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
                .until(() -> stages.stream().allMatch(FactoryProcess::isAlive));
        broker.restart();
        progress("broker back", LoopObserver.Snapshot::predictedEvents, 5 * RATE, Duration.ofMinutes(4));
        figures.put("broker_stop_to_progress_s", seconds(stoppedAt));

        // The replay ends as an operator ends it; what it delivered is what the loop owes.
        int replayExit = producer.stop(60);
        figures.put("replay_exit_code", replayExit);
        Topics topics = new Topics("");
        long events = count(topics.events()) - count(topics.eventsDlq());
        long labels = count(topics.feedback()) - count(topics.feedbackDlq());
        LoopObserver.Snapshot s = awaitDrained(events, labels);
        assertAllRunning();

        figures.put("events", events);
        figures.put("labels", labels);
        figures.put("predicted_events", s.predictedEvents());
        figures.put("prediction_records", s.predictionRecords());
        figures.put("examples", s.examples());
        long distinctExamples = distinctEventIds(topics.examples(), LabeledExample.class, LabeledExample::getEventId);
        figures.put("distinct_examples", distinctExamples);
        figures.put("late_feedback", s.lateFeedback());
        figures.put("examples_trained", observer.releasedExamplesTrained());
        figures.put("releases", s.releases());
        figures.put("champion_version", s.championVersion());
        figures.put("log_loss", s.loss());
        figures.put("constant_log_loss", s.baselineLoss());
        Map<String, Integer> starts = new LinkedHashMap<>();
        stages.forEach(p -> starts.put(p.name(), p.starts()));
        starts.put("broker", broker.starts());
        figures.put("process_starts", starts);
        long backwards = servedVersionsGoingBackwards();
        figures.put("served_versions_going_backwards", backwards);

        assertThat(s.predictedEvents()).as("every valid event predicted").isEqualTo(events);
        assertThat(s.predictionRecords()).as("no event predicted twice").isEqualTo(events);
        assertThat(s.examples()).as("no label joined twice").isEqualTo(distinctExamples);
        assertThat(s.examples() + s.lateFeedback()).as("every label one example, or counted late").isEqualTo(labels);
        assertThat(observer.releasedExamplesTrained()).as("examples trained on, once each").isEqualTo(s.examples());
        assertThat(backwards).as("predictions by an older model after a newer one, per partition").isZero();
    }

    /** Waits until every start of the stage printed its line saying it runs. */
    private void awaitReady(FactoryProcess stage) {
        Pattern ready = READY.get(stage.name());
        Awaitility.await(stage + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> ready.matcher(stage.log()).results().count() >= stage.starts() || !stage.isAlive());
        assertAllRunning();
    }

    /**
     * What shows that a restarted stage works again: its own output moving (for ingest, the predictions of more than
     * the few seconds of features it had published before it died).
     */
    private static ToLongFunction<LoopObserver.Snapshot> measureOf(FactoryProcess stage) {
        return switch (stage.name()) {
            case "feedback" -> LoopObserver.Snapshot::examples;
            case "trainer" -> LoopObserver.Snapshot::releases;
            default -> LoopObserver.Snapshot::predictedEvents;
        };
    }

    private void progress(String step, ToLongFunction<LoopObserver.Snapshot> measure, long atLeast, Duration within) {
        awaitAtLeast(step, measure, measure.applyAsLong(observer.snapshot()) + atLeast, within);
    }

    /** Waits until {@code measure} reaches {@code target}, failing at once if a process died meanwhile. */
    private void awaitAtLeast(String step, ToLongFunction<LoopObserver.Snapshot> measure, long target, Duration within) {
        Awaitility.await(step + ": the loop moving again").atMost(within).pollInterval(Duration.ofMillis(500))
                .until(() -> measure.applyAsLong(observer.snapshot()) >= target || stages.stream().anyMatch(p -> !p.isAlive()));
        assertAllRunning();
    }

    private LoopObserver.Snapshot awaitDrained(long events, long labels) {
        long start = System.nanoTime();
        Awaitility.await("a prediction per event, an example per label, every example trained on")
                .atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .conditionEvaluationListener(c -> {
                    if (c.getRemainingTimeInMS() <= 1_000) {
                        LoopObserver.Snapshot s = observer.snapshot();
                        figures.put("not_drained", Map.of("events", events, "labels", labels,
                                "predicted_events", s.predictedEvents(), "prediction_records", s.predictionRecords(),
                                "examples", s.examples(), "late_feedback", s.lateFeedback(),
                                "examples_trained", observer.releasedExamplesTrained()));
                    }
                }).until(() -> {
                    LoopObserver.Snapshot s = observer.snapshot();
                    return (s.predictedEvents() >= events && s.examples() + s.lateFeedback() >= labels
                            && observer.releasedExamplesTrained() >= s.examples())
                            || stages.stream().anyMatch(p -> !p.isAlive());
                });
        figures.put("drained_s", seconds(start));
        return observer.snapshot();
    }

    private void assertAllRunning() {
        for (FactoryProcess stage : stages) {
            assertThat(stage.isAlive()).as("%s running; its log: %s", stage, stage.logFile()).isTrue();
        }
        assertThat(broker.isAlive()).as("broker running").isTrue();
    }

    /** Reads the predictions topic from the start: on each partition, how often a version came after a newer one. */
    private long servedVersionsGoingBackwards() {
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, registry);
        Map<Integer, Long> newest = new HashMap<>();
        long[] backwards = {0};
        readBack(new Topics("").predictions(), r -> {
            long version = codec.decode(r).getModelVersion();
            if (version < newest.merge(r.partition(), version, Math::max)) {
                backwards[0]++;
            }
        });
        return backwards[0];
    }

    private <T extends org.apache.avro.specific.SpecificRecord> long distinctEventIds(String topic, Class<T> type,
                                                                                    Function<T, String> eventId) {
        AvroCodec<T> codec = AvroCodec.of(type, registry);
        Set<String> ids = new HashSet<>();
        readBack(topic, r -> ids.add(eventId.apply(codec.decode(r))));
        return ids.size();
    }

    private long count(String topic) {
        long[] n = {0};
        readBack(topic, r -> n[0]++);
        return n[0];
    }

    /** Every committed record of {@code topic} from the start to its end now, within two minutes. */
    private void readBack(String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(connection.clientConfig(props),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                assertThat(System.nanoTime()).as("%s read back within 2 minutes", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double seconds(long sinceNanos) {
        return Math.round((System.nanoTime() - sinceNanos) / 1e8) / 10.0;
    }
}
