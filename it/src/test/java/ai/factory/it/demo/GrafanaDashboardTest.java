package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ai.factory.broker.EmbeddedKafka;
import ai.factory.cli.FactoryCli;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed Grafana dashboard reads only metrics the running loop exports: a short demo stays up after its summary,
 * one undecodable record on each input topic feeds the dead-letter counters, and one scrape of the demo's single
 * {@code /metrics} endpoint (ops's, which every part reports to) must carry every metric of every panel's query.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = DemoRuns.HOME.resolve("docs/grafana/factory-loop.json");

    @Test
    void everyQueryOfTheDashboardReadsAMetricOfTheRunningLoop(@TempDir Path dir) throws Exception {
        Set<String> wanted = new TreeSet<>();
        DashboardQueries.expressions(DASHBOARD).forEach(e -> wanted.addAll(DashboardQueries.metricNames(e)));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path report = dir.resolve("report.json");
        System.setProperty("factory.home", DemoRuns.HOME.toString());
        AtomicInteger exit = new AtomicInteger(-1);
        AtomicReference<String> scrape = new AtomicReference<>("");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(0, dir.resolve("kafka"), Map.of()))) {
            Thread demo = new Thread(() -> exit.set(FactoryCli.run("demo", "--bootstrap", kafka.bootstrapServers(),
                    "--events", "10000", "--publish-every-examples", "2000", "--speedup", "max", "--ops-port",
                    String.valueOf(port), "--drain-timeout", "120s", "--report", report.toString(), "--stay")), "demo");
            demo.start();
            try {
                await("the demo's summary").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> Files.exists(report) || !demo.isAlive());
                assertThat(demo.isAlive()).as("the demo stays up after its summary (exit %s)", exit.get()).isTrue();
                sendUndecodableRecords(kafka.bootstrapServers(), Topics.defaults());
                HttpClient http = HttpClient.newHttpClient();
                URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
                // Gauges from ops's sampling and the dead letters just sent appear within a few refreshes.
                await("every metric of the dashboard in one scrape").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
                            scrape.set(http.send(HttpRequest.newBuilder(metrics).build(),
                                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body());
                            Set<String> missing = new TreeSet<>(wanted);
                            missing.removeAll(DashboardQueries.scrapedNames(scrape.get()));
                            assertThat(missing).as("dashboard metrics missing from the scrape").isEmpty();
                        });
            } finally {
                if (!scrape.get().isEmpty()) {
                    Files.writeString(Path.of("target", "grafana-scrape.txt"), scrape.get());
                }
                demo.interrupt();
                demo.join(Duration.ofMinutes(2).toMillis());
            }
            assertThat(demo.isAlive()).as("the demo stopped once interrupted").isFalse();
        }
    }

    /** Bytes no schema reads, on the events, feedback and features topics: each input's dead-letter path counts one. */
    private static void sendUndecodableRecords(String bootstrap, Topics topics) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
            for (String topic : new String[] {topics.events(), topics.feedback(), topics.features()}) {
                producer.send(new ProducerRecord<>(topic, "bad".getBytes(StandardCharsets.UTF_8), garbage)).get();
            }
        }
    }
}
