package ai.factory.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import ai.factory.it.process.FactoryProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code factory broker} as its own process, used by plain Kafka clients in this one. */
class BrokerProcessTest {

    private static final Pattern BOOTSTRAP = Pattern.compile("^bootstrap=(127\\.0\\.0\\.1:\\d+)$");
    private static final Pattern STORAGE = Pattern.compile("\\(storage (.+)\\)\\. Ctrl-C stops it\\.$");

    private Process broker;

    @AfterEach
    void killLeftovers() {
        if (broker != null && broker.isAlive()) {
            broker.destroyForcibly();
        }
    }

    @Test
    void aPlainClientInAnotherProcessProducesAndConsumesAndTheBrokerStopsCleanly() throws Exception {
        Path tmp = Files.createTempDirectory("broker-process");
        broker = new ProcessBuilder(FactoryProcess.javaCommand(tmp, "512m", "broker"))
                .redirectError(tmp.resolve("broker.err").toFile())
                .start();
        List<String> out = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(broker, out), "broker-stdout");
        reader.setDaemon(true);
        reader.start();

        Awaitility.await("bootstrap line").atMost(Duration.ofSeconds(60)).until(() -> !out.isEmpty() || !broker.isAlive());
        Matcher bootstrap = BOOTSTRAP.matcher(out.get(0));
        assertThat(bootstrap.matches()).as("first line of stdout: %s", out.get(0)).isTrue();
        String address = bootstrap.group(1);

        Awaitility.await("topics created").atMost(Duration.ofSeconds(60))
                .until(() -> out.stream().anyMatch(l -> STORAGE.matcher(l).find()));
        Path storage = out.stream().map(STORAGE::matcher).filter(Matcher::find).map(m -> Path.of(m.group(1))).findFirst().orElseThrow();
        assertThat(storage).isDirectory();
        assertThat(out).anyMatch(l -> l.startsWith("created  events "));

        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", address),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("events", "k" + i, "v" + i)).get();
            }
        }
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", address);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("events"));
            Awaitility.await("10 records").atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= 10;
            });
        }
        assertThat(values).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");

        // SIGTERM runs the same shutdown path as Ctrl-C (SIGINT) in a terminal.
        broker.toHandle().destroy(); // unlike Process.destroy(), keeps our end of its stdout open
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).as("broker exits").isTrue();
        Awaitility.await("stop message").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(out).contains("broker stopped"));
        assertThat(storage).doesNotExist();
    }

    private static void readLines(Process process, List<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                sink.add(line);
            }
        } catch (IOException e) {
            sink.add("<stdout closed: " + e.getMessage() + ">");
        }
    }
}
