package ai.factory.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.factory.cli.FactoryCli;
import ai.factory.cli.demo.LoopObserver;
import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.lag.GroupLag;
import ai.factory.ops.lag.LagSampler;
import ai.factory.ops.lag.PartitionLag;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.GenericContainer;

/**
 * The docker/ deployment, started once from the project's images by Testcontainers: flights replayed through it with
 * {@code factory produce} and the loop's invariants checked as on the embedded loop; then, on the same running
 * cluster, a TaskManager killed mid-run, a broker stopped mid-run and the scorers scaled from two to three. The
 * figures of each step go to {@code target/cluster-suite.json}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerClusterSuite {

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path LOGS = TARGET.resolve("cluster-logs");
    private static final int PARTITIONS = 6;
    /** Events per step, and their pace: a steady stream a 2-core machine keeps up with while twelve JVMs share it. */
    private static final int EVENTS_PER_STEP = 3_000;
    private static final int RATE = 250;
    private static final Duration DRAIN = Duration.ofMinutes(4);
    private static final Pattern SWAP = Pattern.compile("(?i)champion for \\S+ is now \\S+/(\\d+)");

    private ContainerCluster cluster;
    private KafkaConnection connection;
    private LoopObserver observer;
    private KafkaSchemaRegistry registry;
    private long produced;
    /** The observer's counts at the end of the previous step: each step's duplicates are its own. */
    private LoopObserver.Snapshot previous;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    @BeforeAll
    void startTheCluster() throws Exception {
        String unavailable = ProjectImages.dockerUnavailable();
        if (unavailable != null) {
            System.err.println("cluster suite skipped: " + unavailable);
        }
        Assumptions.assumeTrue(unavailable == null, "cluster suite skipped: " + unavailable);
        long start = System.nanoTime();
        ProjectImages.build(LOGS);
        figures.put("images_built_s", seconds(start));
        long up = System.nanoTime();
        cluster = ContainerCluster.start(LOGS, PARTITIONS, 2);
        figures.put("cluster_started_s", seconds(up));
        connection = KafkaConnection.of(cluster.bootstrap());
        registry = new KafkaSchemaRegistry(connection, new Topics("").schemas());
        observer = new LoopObserver(connection, new Topics(""), registry, false);
        Thread watching = new Thread(observer, "cluster-suite-observer");
        watching.setDaemon(true);
        watching.start();
    }

    @AfterAll
    void stopTheCluster() throws Exception {
        if (observer != null) {
            observer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (!figures.isEmpty()) {
            Files.writeString(TARGET.resolve("cluster-suite.json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        }
    }

    @Test
    @Order(1)
    void theLoopRunsOnTheClusterAndBothScorersHotSwapReleases() throws Exception {
        assertThat(cluster.jobStates()).as("both Flink jobs, submitted by the submitter container")
                .containsValues("RUNNING").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((name, state) -> assertThat(state).as(name).isEqualTo("RUNNING"));
        replay(EVENTS_PER_STEP);
        LoopObserver.Snapshot s = awaitEveryEventAndLabel("steady", 0);
        assertThat(s.championVersion()).as("a trained release replaced the initial weights").isGreaterThan(1);
        for (GenericContainer<?> scorer : cluster.scorers()) {
            assertThat(swappedTo(scorer)).as("releases %s hot-swapped", scorer.getLogs().lines().findFirst().orElse(""))
                    .isGreaterThan(1);
        }
        awaitLagZero("steady");
    }

    @Test
    @Order(2)
    void aTaskManagerKilledMidRunCostsNothing() throws Exception {
        GenericContainer<?> victim = cluster.busiestTaskManager();
        CompletableFuture<Void> replay = CompletableFuture.runAsync(() -> replay(EVENTS_PER_STEP));
        awaitProducedMore(EVENTS_PER_STEP / 3);
        long killedAt = System.nanoTime();
        cluster.killAndRestart(victim);
        Awaitility.await("both jobs running again").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> cluster.jobStates().values().stream().allMatch("RUNNING"::equals)
                        && cluster.flinkRest("/jobs/overview").path("jobs").size() >= 2);
        figures.put("taskmanager_kill_to_running_s", seconds(killedAt));
        long restored = 0;
        for (JsonNode job : cluster.flinkRest("/jobs/overview").path("jobs")) {
            restored += cluster.flinkRest("/jobs/" + job.path("jid").asText() + "/checkpoints").path("counts").path("restored").asLong();
        }
        figures.put("jobs_restored_from_checkpoints", restored);
        assertThat(restored).as("restores from a checkpoint, over both jobs").isPositive();
        replay.join();
        // Ingest runs exactly-once (the submitter asks for it): a restore re-reads events, never re-publishes features.
        awaitEveryEventAndLabel("taskmanager_killed", 0);
        awaitLagZero("taskmanager_killed");
    }

    @Test
    @Order(3)
    void aBrokerStoppedMidRunCostsNothing() throws Exception {
        GenericContainer<?> broker = cluster.brokers().get(1);
        CompletableFuture<Void> replay = CompletableFuture.runAsync(() -> replay(EVENTS_PER_STEP));
        awaitProducedMore(EVENTS_PER_STEP / 3);
        cluster.stop(broker);
        replay.join();
        // The scorer writes predictions and offsets in one transaction: a coordinator moving costs no duplicate.
        awaitEveryEventAndLabel("broker_stopped", 0);
        cluster.restart(broker);
        awaitLagZero("broker_stopped");
    }

    @Test
    @Order(4)
    void scorersScaleFromTwoToThree() throws Exception {
        cluster.addScorer();
        try (Admin admin = Admin.create(connection.clientConfig(Map.of()))) {
            Awaitility.await("three scorers sharing the partitions").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("factory-scoring"))
                                .all().get().get("factory-scoring");
                        return group.members().size() == 3 && group.members().stream()
                                .allMatch(m -> m.assignment().topicPartitions().size() == PARTITIONS / 3);
                    });
            List<String> owners = new ArrayList<>();
            for (MemberDescription m : admin.describeConsumerGroups(List.of("factory-scoring")).all().get()
                    .get("factory-scoring").members()) {
                owners.add(m.clientId() + "=" + m.assignment().topicPartitions().size());
            }
            figures.put("scorer_assignment", owners);
        }
        replay(EVENTS_PER_STEP);
        // Partitions move only after their owner committed what it handled: nothing is scored twice.
        awaitEveryEventAndLabel("scaled_to_three", 0);
        awaitLagZero("scaled_to_three");
        assertThat(swappedTo(cluster.scorers().get(2))).as("the new scorer serves a trained champion").isGreaterThan(1);
        assertThat(cluster.servicesNotRunning()).as("services not running at the end").isEmpty();
    }

    /** {@code factory produce} of the next flights, as a user would run it against the cluster. */
    private void replay(int events) {
        int exit = FactoryCli.run("produce", ProjectImages.HOME.resolve("data/flights-200k.csv.gz").toString(),
                "-m", ProjectImages.HOME.resolve("data/flights.mapping.json").toString(),
                "--bootstrap", cluster.bootstrap(), "--skip", "" + produced, "--limit", "" + events, "--rate", "" + RATE);
        assertThat(exit).as("factory produce exit code").isZero();
        synchronized (this) {
            produced += events;
        }
    }

    private void awaitProducedMore(long events) {
        long before = observer.snapshot().predictedEvents();
        Awaitility.await("the replay under way").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> observer.snapshot().predictedEvents() >= before + events);
    }

    /**
     * Waits until each event so far has its prediction and each label its example (or was counted late), then checks
     * that the step predicted no more than {@code allowedDuplicates} events twice and that the trainer counted no
     * example twice, and records the step's figures.
     */
    private LoopObserver.Snapshot awaitEveryEventAndLabel(String step, long allowedDuplicates) {
        long start = System.nanoTime();
        long events;
        synchronized (this) {
            events = produced;
        }
        Awaitility.await(step + ": a prediction per event and an example per label").atMost(DRAIN)
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    LoopObserver.Snapshot s = observer.snapshot();
                    return s.predictedEvents() >= events && s.examples() + s.lateFeedback() >= events;
                });
        LoopObserver.Snapshot s = observer.snapshot();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("events", events);
        f.put("predicted_events", s.predictedEvents());
        f.put("prediction_records", s.predictionRecords());
        f.put("examples", s.examples());
        f.put("late_feedback", s.lateFeedback());
        f.put("records_lost", Math.max(0, events - s.predictedEvents()) + Math.max(0, events - s.examples() - s.lateFeedback()));
        long duplicates = (s.predictionRecords() - s.predictedEvents())
                - (previous == null ? 0 : previous.predictionRecords() - previous.predictedEvents());
        f.put("duplicate_predictions", duplicates);
        long trained = observer.releasedExamplesTrained();
        f.put("examples_trained_by_newest_release", trained);
        f.put("releases", s.releases());
        f.put("champion_version", s.championVersion());
        f.put("log_loss", s.loss());
        f.put("constant_log_loss", s.baselineLoss());
        f.put("drained_s", seconds(start));
        figures.put(step, f);
        assertThat(s.predictedEvents()).as("each event one prediction").isEqualTo(events);
        assertThat(s.examples() + s.lateFeedback()).as("each label one example, or counted late").isEqualTo(events);
        assertThat(s.lateFeedback()).as("labels counted late").isLessThan(Math.max(1, events / 100));
        assertThat(duplicates).as("events predicted twice in this step").isLessThanOrEqualTo(allowedDuplicates);
        assertThat(trained).as("examples the newest release trained on, its ancestors' included: none twice")
                .isPositive().isLessThanOrEqualTo(s.examples());
        previous = s;
        return s;
    }

    private void awaitLagZero(String step) {
        long start = System.nanoTime();
        try (LagSampler sampler = new LagSampler(connection)) {
            Awaitility.await(step + ": every consumer group caught up").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> totalLag(sampler) == 0);
        }
        ((Map<String, Object>) figures.get(step)).put("lag_zero_after_s", seconds(start));
    }

    private static long totalLag(LagSampler sampler) {
        long lag = 0;
        for (GroupLag group : sampler.sample().groups()) {
            for (PartitionLag p : group.partitions()) {
                lag += p.lagRecords();
            }
        }
        return lag;
    }

    /** The newest champion version a scorer's log says it swapped in, or -1. */
    private static long swappedTo(GenericContainer<?> scorer) {
        long newest = -1;
        Matcher m = SWAP.matcher(scorer.getLogs());
        while (m.find()) {
            newest = Math.max(newest, Long.parseLong(m.group(1)));
        }
        return newest;
    }

    private static double seconds(long sinceNanos) {
        return Math.round((System.nanoTime() - sinceNanos) / 1e8) / 10.0;
    }
}
