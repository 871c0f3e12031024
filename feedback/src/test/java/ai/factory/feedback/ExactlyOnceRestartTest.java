package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kills the app process (SIGKILL, no clean shutdown) while it processes a stream, restarts it, and checks
 * with a read_committed consumer that every label produced exactly one example.
 */
@ExtendWith(KafkaExtension.class)
class ExactlyOnceRestartTest {

    private static final int EVENTS = 3000;
    private static final int BATCH = 100;

    @Test
    void everyLabelYieldsExactlyOneExampleAcrossAKilledAndRestartedApp(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("feedback-eos");
        Topics topics = new Topics(prefix);
        Path work = Files.createDirectories(Path.of("target", "eos-test", prefix));
        // A dead member must leave the group quickly, so the restarted one gets its partitions.
        Path clientSettings = Files.writeString(work.resolve("client.properties"),
                "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
        List<String> args = List.of("--bootstrap", kafka.bootstrapServers(), "--prefix", prefix,
                "--kafka-config", clientSettings.toString(), "--application-id", "app", "--window", "1h",
                "--policy", "first", "--state-dir", work.resolve("state").toString(), "--partitions", "3");
        FeedbackApp.ensureTopics(new FeedbackCommand().parse(args).toOptions());

        Process first = launch(args, work.resolve("first.log"));
        Process second = null;
        AtomicInteger produced = new AtomicInteger();
        Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), topics, produced), "test-producer");
        try (KafkaSchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas());
             var examples = new CommittedReader<>(kafka.bootstrapServers(), topics.examples(),
                     AvroSerde.of(LabeledExample.class, registry))) {
            producer.start();
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> examples.poll().size() >= EVENTS / 6);
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            int atKill = examples.poll().size();
            assertThat(atKill).as("killed mid-stream").isLessThan(EVENTS);

            second = launch(args, work.resolve("second.log"));
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> examples.poll().size() >= EVENTS);
            // Stay exactly at EVENTS for a while: a duplicate would show up as one record too many.
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20))
                    .until(() -> examples.poll().size() == EVENTS);
            List<String> keys = examples.poll().stream().map(ConsumerRecord::key).toList();
            assertThat(keys).doesNotHaveDuplicates().hasSize(EVENTS);
            assertThat(produced.get()).isEqualTo(EVENTS);
        } finally {
            producer.join(TimeUnit.SECONDS.toMillis(60));
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process launch(List<String> args, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), FeedbackApp.class.getName()));
        command.addAll(args);
        File out = log.toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
    }

    /** Writes features, prediction and one label per event, in paced batches so the app is killed mid-stream. */
    private static void produce(String bootstrap, Topics topics, AtomicInteger produced) {
        try (KafkaSchemaRegistry registry = new KafkaSchemaRegistry(bootstrap, topics.schemas());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "linger.ms", 5),
                     new StringSerializer(), new ByteArraySerializer())) {
            var fv = AvroSerde.of(FeatureVector.class, registry);
            var pr = AvroSerde.of(Prediction.class, registry);
            var fb = AvroSerde.of(Feedback.class, registry);
            for (int i = 0; i < EVENTS; i++) {
                String id = "e" + i;
                long t = T0 + i * 1000L;
                producer.send(new ProducerRecord<>(topics.features(), id, fv.serialize(null, Records.features(id, t))));
                producer.send(new ProducerRecord<>(topics.predictions(), id, pr.serialize(null, Records.prediction(id, t, 0.5, "m", 1))));
                producer.send(new ProducerRecord<>(topics.feedback(), id, fb.serialize(null, Records.feedback(id, i % 2, t + 30_000, "app"))));
                produced.incrementAndGet();
                if (i % BATCH == BATCH - 1) {
                    producer.flush();
                    // Paces the stream: the app must still be busy when it is killed.
                    Awaitility.await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
                }
            }
            producer.flush();
        }
    }
}
