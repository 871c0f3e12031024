package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factory ingest} as its own process, stopped by SIGTERM: it stops the job with a savepoint, says where and how
 * to resume, exits 0 and leaves nothing in the temp folder; the same command line with {@code --restore-from latest}
 * resumes from that savepoint, and with exactly-once no event is featurized twice or lost across the stop. With
 * {@code --bounded} it ends by itself once it has read what was there, exit 0.
 */
@ExtendWith(KafkaExtension.class)
class IngestStopTest {

    private static final Pattern SAVEPOINT = Pattern.compile("stream-ingest: stopped with savepoint (\\S+)$", Pattern.MULTILINE);
    private static final Duration WAIT = Duration.ofSeconds(120);

    private Process ingest;

    @AfterEach
    void killLeftovers() {
        if (ingest != null && ingest.isAlive()) {
            ingest.destroyForcibly();
        }
    }

    @Test
    void sigtermTakesASavepointThatTheSameCommandResumesFrom(TestKafka kafka, @TempDir Path dir) throws Exception {
        String prefix = TestKafka.uniquePrefix("stop");
        Topics topics = new Topics(prefix);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path checkpoints = dir.resolve("checkpoints");
        List<String> command = List.of("ingest", "-b", kafka.bootstrapServers(), "--prefix", prefix,
                "--exactly-once", "--checkpoint-interval", "1s",
                "--idleness", "1s", "--checkpoint-dir", checkpoints.toString(), "--restore-from", "latest");

        produce(kafka, dir, prefix, "a-", 0);
        ingest = start(command, dir, tmp, "first");
        awaitFeaturized(kafka, topics, 30, dir, "first");

        String first = stop(dir, "first");
        Matcher saved = SAVEPOINT.matcher(first);
        assertThat(saved.find()).as(first).isTrue();
        Path savepoint = Path.of(saved.group(1).replaceFirst("^file:", ""));
        assertThat(savepoint).startsWith(checkpoints.resolve("savepoints")).isDirectoryContaining("glob:**/_metadata");
        assertThat(first).contains("resume with: factory ingest -b " + kafka.bootstrapServers())
                .contains("--restore-from " + saved.group(1));
        assertThat(tmp).as("nothing left in the temp folder").isEmptyDirectory();

        produce(kafka, dir, prefix, "b-", 30);
        ingest = start(command, dir, tmp, "second");
        awaitFeaturized(kafka, topics, 60, dir, "second");
        String second = stop(dir, "second");
        assertThat(second).contains("restoring from " + saved.group(1).replaceFirst("^file:", "").replaceAll("/$", ""));
        assertThat(SAVEPOINT.matcher(second).find()).as(second).isTrue();

        List<String> keys = committedKeys(kafka, topics);
        assertThat(keys).doesNotHaveDuplicates().hasSize(60);
        assertThat(keys.stream().filter(k -> k.startsWith("a-"))).hasSize(30);
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void afterKillNineTheSameCommandResumesFromTheNewestRetainedCheckpoint(TestKafka kafka, @TempDir Path dir) throws Exception {
        String prefix = TestKafka.uniquePrefix("kill");
        Topics topics = new Topics(prefix);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path checkpoints = dir.resolve("checkpoints");
        List<String> command = List.of("ingest", "-b", kafka.bootstrapServers(), "--prefix", prefix, "--exactly-once",
                "--checkpoint-interval", "1s", "--idleness", "1s", "--checkpoint-dir", checkpoints.toString(),
                "--restore-from", "latest");

        produce(kafka, dir, prefix, "a-", 0);
        ingest = start(command, dir, tmp, "first");
        awaitFeaturized(kafka, topics, 30, dir, "first");
        ingest.destroyForcibly();
        assertThat(ingest.waitFor(30, TimeUnit.SECONDS)).isTrue();

        produce(kafka, dir, prefix, "b-", 30);
        ingest = start(command, dir, tmp, "second");
        awaitFeaturized(kafka, topics, 60, dir, "second");
        String second = stop(dir, "second");
        assertThat(second).contains("--restore-from latest: restoring from " + checkpoints);
        List<String> keys = committedKeys(kafka, topics);
        assertThat(keys).doesNotHaveDuplicates().hasSize(60);
    }

    @Test
    void aBoundedRunEndsOnItsOwnWithExitZero(TestKafka kafka, @TempDir Path dir) throws Exception {
        String prefix = TestKafka.uniquePrefix("bounded");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        produce(kafka, dir, prefix, "a-", 0);

        // The in-process cluster shuts down the moment its job finishes: the command must read the end from the job's
        // result, not from a status it can no longer ask for.
        ingest = start(List.of("ingest", "-b", kafka.bootstrapServers(), "--prefix", prefix, "--bounded",
                "--checkpoint-dir", dir.resolve("checkpoints").toString()), dir, tmp, "bounded");
        assertThat(ingest.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("ends on its own within the bound").isTrue();

        String err = Files.readString(dir.resolve("bounded.err"));
        assertThat(ingest.exitValue()).as(err).isZero();
        assertThat(err).contains("stream-ingest job ended: FINISHED").doesNotContain("error:");
        assertThat(committedKeys(kafka, new Topics(prefix))).hasSize(30);
        assertThat(tmp).as("nothing left in the temp folder").isEmptyDirectory();
    }

    /** Waits until {@code count} features are committed; on a timeout the failure carries the process's log. */
    private void awaitFeaturized(TestKafka kafka, Topics topics, int count, Path dir, String run) throws IOException {
        try {
            Awaitility.await(count + " events featurized").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> committedKeys(kafka, topics).size() >= count || !ingest.isAlive());
        } catch (ConditionTimeoutException e) {
            List<String> log = Files.readAllLines(dir.resolve(run + ".err"));
            throw new AssertionError(e.getMessage() + "; " + committedKeys(kafka, topics).size() + " committed; the "
                    + run + " run's log, start and end:\n" + String.join("\n", log.subList(0, Math.min(150, log.size()))) + "\n...\n"
                    + String.join("\n", log.subList(Math.max(0, log.size() - 20), log.size())), e);
        }
    }

    /** SIGTERMs the running ingest process and returns its standard error once it has exited 0. */
    private String stop(Path dir, String run) throws Exception {
        assertThat(ingest.isAlive()).as("still running before the stop: %s", Files.readString(dir.resolve(run + ".err"))).isTrue();
        long signalled = System.nanoTime();
        ingest.toHandle().destroy();
        assertThat(ingest.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exits within the bound").isTrue();
        System.out.printf("%s run: SIGTERM to exit in %d ms%n", run, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled));
        String err = Files.readString(dir.resolve(run + ".err"));
        assertThat(ingest.exitValue()).as(err).isZero();
        return err;
    }

    /** 30 flights as events, their ids starting with {@code idPrefix}, timed from {@code minute} on. */
    private static void produce(TestKafka kafka, Path dir, String prefix, String idPrefix, int minute) throws IOException {
        Path mapping = Files.writeString(dir.resolve(idPrefix + "mapping.json"),
                Files.readString(Path.of("../data/flights.mapping.json")).replace("\"flight-\"", "\"" + idPrefix + "\""));
        StringBuilder csv = new StringBuilder("ts,delay,distance,origin,destination,delayed15\n");
        for (int i = 0; i < 30; i++) {
            csv.append(String.format("2001-01-01T%02d:%02d:00,%d,%d,%s,LAX,%d%n", (minute + i) / 60, (minute + i) % 60, i - 5,
                    100 + i, i % 2 == 0 ? "SFO" : "ATL", i % 2));
        }
        Path data = Files.writeString(dir.resolve(idPrefix + "flights.csv"), csv);
        var result = TopicsCommandTest.run("produce", data.toString(), "--mapping", mapping.toString(), "--to", "events",
                "-b", kafka.bootstrapServers(), "--prefix", prefix);
        assertThat(result.exitCode()).as(result.err()).isZero();
    }

    private Process start(List<String> args, Path dir, Path tmp, String run) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-Dlogback.configurationFile=logback.xml"));
        // Flink's --add-opens, as this JVM has them.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-")).forEach(cmd::add);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "ai.factory.cli.FactoryCli"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(run + ".out").toFile())
                .redirectError(dir.resolve(run + ".err").toFile())
                .start();
    }

    /** The keys of the features a read_committed consumer sees. */
    private static List<String> committedKeys(TestKafka kafka, Topics topics) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> keys = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.features(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(r.key());
                }
            }
        }
        return keys;
    }
}
