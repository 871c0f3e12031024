package ai.factory.ops.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.metrics.CostMeters;
import ai.factory.metrics.CpuMeter;
import ai.factory.ops.OpsOptions;
import ai.factory.ops.OpsServer;
import ai.factory.ops.explain.TracedEvents;
import ai.factory.ops.models.ModelBook;
import ai.factory.ops.lag.KafkaFixture;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.records.QualityReport;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real browser on the real dashboard: headless Chromium renders the page of a running ops server on the
 * embedded broker; the lag table and the history chart must show what the JSON API returns.
 */
@ExtendWith(KafkaExtension.class)
class DashboardBrowserTest {

    private static final Pattern ROW = Pattern.compile("<tr data-group=\"([^\"]+)\" data-status=\"([^\"]+)\" "
            + "data-lag-records=\"(\\d+)\" data-lag-seconds=\"([^\"]*)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern QUALITY_ROW = Pattern.compile("<tr data-quality=\"([^\"]+)\" data-task=\"([^\"]+)\">(.*?)</tr>",
            Pattern.DOTALL);
    private static final Pattern DECISION_ROW = Pattern.compile(
            "<tr data-decision=\"([^\"]+)\" data-status=\"([^\"]+)\" data-by=\"([^\"]+)\"([^>]*)>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern LINEAGE_ROW = Pattern.compile("<tr data-lineage=\"([^\"]+)\"");
    /** Releases published: more than the dashboard shows on its first screen. */
    private static final int RELEASES = 60;
    private static final Pattern CELL = Pattern.compile("<td class=\"([^\"]+)\">(.*?)</td>", Pattern.DOTALL);
    private static final Pattern CHART = Pattern.compile("<svg id=\"chart-lag-records\"[^>]*data-points=\"(\\d+)\" "
            + "data-values=\"([^\"]*)\" data-last=\"([^\"]*)\"[^>]*>(.*?)</svg>", Pattern.DOTALL);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theDashboardShowsTheNumbersTheApiReturns(TestKafka kafka) throws Exception {
        assumeTrue(HeadlessChromium.available(), "skipped: " + HeadlessChromium.BINARY
                + " is absent (apt-get install chromium chromium-driver to run the browser test)");
        String prefix = TestKafka.uniquePrefix("browser");
        String topic = prefix + "events";
        String behind = prefix + "ingest-behind";
        String caughtUp = prefix + "ingest-caught-up";
        long t0 = System.currentTimeMillis() - 60_000;
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers())) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 30, t0, 2_000);
            fx.commit(behind, topic, 5);
            fx.commit(caughtUp, topic, 30);
            publishQuality(kafka.bootstrapServers(), new Topics(prefix));

            OpsOptions options = OpsOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withPrefix(prefix).withHttp("127.0.0.1", 0)
                    .withSampling(Duration.ofMillis(500), 3).withAccess(ConsoleAccess.open().withToken("token"));
            // The embedded factory's registry: the parts' cost meters beside ops's own.
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            CpuMeter scoring = CostMeters.register(meters, CostMeters.SCORING, false);
            scoring.units(CostMeters.PREDICTIONS, 20_000);
            meters.counter(CostMeters.CPU, "component", CostMeters.SCORING).increment(1.5);
            try (OpsServer server = new OpsServer(options, meters).start()) {
                String base = server.url();
                await().atMost(Duration.ofSeconds(30)).until(() -> history(base, behind).size() >= 3
                        && get(base + "api/quality").get("series").size() == 2
                        && get(base + "api/models").get("total").asInt() == RELEASES
                        && get(base + "api/models").get("models").get(0).get("decisions").get(0).get("status").asText()
                        .equals("ROLLED_BACK"));
                JsonNode lag = get(base + "api/lag");
                Map<String, JsonNode> apiGroups = new HashMap<>();
                lag.get("groups").forEach(g -> apiGroups.put(g.get("group").asText(), g));
                assertThat(apiGroups.get(behind).get("lagRecords").asLong()).isEqualTo(25);
                assertThat(apiGroups.get(behind).get("lagSeconds").asDouble()).isEqualTo(48.0);
                assertThat(apiGroups.get(behind).get("status").asText()).isEqualTo("STOP");

                Path dir = Files.createDirectories(Path.of("target", "browser-test"));
                HeadlessChromium chromium = new HeadlessChromium(dir);
                String url = base + "#group=" + URLEncoder.encode(behind, StandardCharsets.UTF_8);
                String dom = chromium.dumpDom(url, 5_000);
                Files.writeString(dir.resolve("dashboard-dom.html"), dom);

                Map<String, Map<String, String>> rows = rows(dom);
                for (String group : List.of(behind, caughtUp)) {
                    JsonNode api = apiGroups.get(group);
                    Map<String, String> row = rows.get(group);
                    assertThat(row).as("lag table row of " + group).isNotNull();
                    assertThat(row.get("data-status")).isEqualTo(api.get("status").asText());
                    assertThat(row.get("data-lag-records")).isEqualTo(api.get("lagRecords").asText());
                    assertThat(row.get("num lag-records")).isEqualTo(api.get("lagRecords").asText());
                    assertThat(row.get("num lag-seconds")).isEqualTo(String.format(Locale.ROOT, "%.1f", api.get("lagSeconds").asDouble()));
                    assertThat(row.get("status-cell")).contains(">" + api.get("status").asText() + "<");
                }
                assertThat(rows.get(behind).get("num lag-records")).isEqualTo("25");

                // Each task's own metrics, and "-" (not NaN or null) in the other task's columns.
                Map<String, Map<String, String>> quality = qualityRows(dom);
                assertThat(quality).containsOnlyKeys("delay/4", "flights/1");
                assertThat(quality.get("delay/4")).containsEntry("data-task", "REGRESSION").containsEntry("num rmse", "3.2500")
                        .containsEntry("num baseline-rmse", "6.5000").containsEntry("num mae", "2.5000")
                        .containsEntry("num baseline-mae", "5.0000").containsEntry("num logloss", "-")
                        .containsEntry("num baseline-logloss", "-").containsEntry("num auc", "-").containsEntry("num accuracy", "-");
                assertThat(quality.get("flights/1")).containsEntry("data-task", "BINARY").containsEntry("num logloss", "0.4800")
                        .containsEntry("num baseline-logloss", "0.6900").containsEntry("num rmse", "-").containsEntry("num mae", "-");
                assertThat(quality.values()).allSatisfy(row -> assertThat(row.values()).noneMatch(v -> v.contains("NaN") || v.contains("null")));
                assertThat(dom).contains("id=\"quality-delay-4\"").contains("delay v4 RMSE");

                // The models section: the champion's lineage and the latest decisions, not every release; the
                // automatic roll back first, marked, with who and why.
                List<String> decisions = new ArrayList<>();
                Matcher decision = DECISION_ROW.matcher(dom);
                while (decision.find()) {
                    decisions.add(decision.group(1));
                    if (decisions.size() == 1) {
                        assertThat(decision.group(2)).isEqualTo("ROLLED_BACK");
                        assertThat(decision.group(3)).isEqualTo("AUTOMATIC");
                        assertThat(decision.group(4)).contains("class=\"rolled-back\"");
                        assertThat(decision.group(5)).contains(">ROLLED_BACK<").contains("online: paired log loss 0.71 &gt; 0.52");
                    }
                }
                assertThat(decisions).hasSize(ModelBook.DECISIONS).startsWith("flights/" + RELEASES, "flights/" + (RELEASES - 1));
                List<String> lineage = new ArrayList<>();
                Matcher lineageRow = LINEAGE_ROW.matcher(dom);
                while (lineageRow.find()) {
                    lineage.add(lineageRow.group(1));
                }
                assertThat(lineage).containsExactly("flights/1");
                assertThat(dom).contains("data-all-releases=\"flights\">all " + RELEASES + " releases<")
                        .doesNotContain("<tr data-page-release=").contains("id=\"promote-model\"").contains("id=\"promote-version\"");

                Matcher chart = CHART.matcher(dom);
                assertThat(chart.find()).as("the lag history chart is rendered").isTrue();
                assertThat(dom).contains("id=\"lag-charts\" data-group=\"" + behind + "\"");
                List<Long> apiHistory = history(base, behind);
                List<String> charted = Arrays.asList(chart.group(2).split(","));
                assertThat(Integer.parseInt(chart.group(1))).isEqualTo(charted.size()).isBetween(1, apiHistory.size());
                assertThat(charted).allSatisfy(v -> assertThat(Long.parseLong(v)).isIn(apiHistory));
                assertThat(chart.group(3)).isEqualTo(String.valueOf(apiHistory.get(apiHistory.size() - 1)));
                Matcher polyline = Pattern.compile("<polyline points=\"([^\"]+)\"").matcher(chart.group(4));
                assertThat(polyline.find()).isTrue();
                assertThat(polyline.group(1).trim().split(" ")).hasSize(charted.size());

                // The first screen answers "is the loop healthy and learning": pipeline, quality per version against
                // its baseline, freshness in wall-clock time (data-time lag apart), then lag and models.
                int pipeline = dom.indexOf("<h2>Pipeline</h2>");
                int learning = dom.indexOf("<h2>Is it learning?");
                int fresh = dom.indexOf("<h2>How fresh?");
                int lagTable = dom.indexOf("<h2>Consumer lag");
                int modelsSection = dom.indexOf("<h2>Models");
                assertThat(List.of(pipeline, learning, fresh, lagTable, modelsSection)).allSatisfy(i -> assertThat(i).isNotNegative())
                        .isSorted();
                assertThat(dom).contains("id=\"quality-flights-1\"").contains("data-time lag (data s)");

                // The cost table: the figure the API computes, as the API computes it.
                Matcher cost = Pattern.compile("<tr data-component=\"scoring\">(.*?)</tr>").matcher(dom);
                assertThat(cost.find()).as("the cost table's scoring row").isTrue();
                assertThat(cost.group(1)).contains(">1.5<").contains("20,000 predictions").contains("75.0 ms/1k predictions");

                Path screenshot = dir.resolve("dashboard.png");
                chromium.screenshot(url, 5_000, screenshot);
                assertThat(Files.size(screenshot)).isGreaterThan(10_000);
            } finally {
                meters.close();
            }
        }
    }

    /**
     * The search box's view, opened by a {@code #event=} link: the event, its prediction with one bar per contribution
     * (scaled to the largest), its label and the lineage of the release that scored it.
     */
    @Test
    void theSearchBoxShowsAnEventsPredictionWhyAndLineage(TestKafka kafka) throws Exception {
        assumeTrue(HeadlessChromium.available(), "skipped: " + HeadlessChromium.BINARY
                + " is absent (apt-get install chromium chromium-driver to run the browser test)");
        Topics topics = new Topics(TestKafka.uniquePrefix("browser-explain"));
        TracedEvents.write(kafka.bootstrapServers(), topics);
        try (OpsServer server = TracedEvents.opsServer(kafka.bootstrapServers(), topics)) {
            String base = server.url();
            Path dir = Files.createDirectories(Path.of("target", "browser-test"));
            HeadlessChromium chromium = new HeadlessChromium(dir);
            String url = base + "#event=" + URLEncoder.encode(TracedEvents.REPLAYED, StandardCharsets.UTF_8);
            String dom = chromium.dumpDom(url, 10_000);
            Files.writeString(dir.resolve("explain-dom.html"), dom);

            assertThat(dom).contains("<h3 id=\"explain-event\">event " + TracedEvents.REPLAYED + " · 2001-03-01 10:00:00Z · entity AA</h3>")
                    .contains("carrier=AA").contains("flights v2");
            Matcher bar = Pattern.compile("<div class=\"bar-row\" data-feature=\"([^\"]+)\"><span>[^<]*</span>"
                    + "<span class=\"num\">([^<]+)</span><div><div class=\"bar (up|down)\" style=\"width:([0-9.]+)%\">").matcher(dom);
            List<String> bars = new ArrayList<>();
            while (bar.find()) {
                bars.add(bar.group(1) + " " + bar.group(2) + " " + bar.group(3) + " " + bar.group(4));
            }
            assertThat(bars).containsExactly("distance +1.100 up 100.0", "carrier +0.3860 up 35.1");
            assertThat(dom).contains("<div id=\"explain-label\">1.000 from airline at 2001-03-01 10:30:00Z</div>")
                    .contains("Lineage of flights v2").contains("<td>v2</td><td>v1</td>")
                    .contains(topics.examples() + " 0:10-41").contains("2001-03-01 09:00:00Z");

            Path screenshot = dir.resolve("explain.png");
            chromium.screenshot(url, 10_000, screenshot);
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        }
    }

    /** A binary and a regression model's reports, as the feedback app writes them, and {@link #RELEASES} releases. */
    private static void publishQuality(String bootstrap, Topics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             SchemaRegistry registry = new KafkaSchemaRegistry(bootstrap, topics.schemas());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 1));
            AvroCodec<QualityReport> codec = AvroCodec.of(QualityReport.class, registry);
            java.time.Instant end = java.time.Instant.now();
            QualityReport binary = QualityReport.newBuilder().setModelName("flights").setModelVersion(1L).setWindow("count:100")
                    .setWindowEnd(end).setCount(100L).setLogloss(0.48).setBaselineLogloss(0.69).setAuc(0.7).setAccuracy(0.8).build();
            producer.send(new ProducerRecord<>(topics.quality(), "flights/1", codec.encode(binary))).get();
            producer.send(new ProducerRecord<>(topics.quality(), "delay/4",
                    codec.encode(OpsServerTest.regressionQuality(4, end)))).get();
            // Releases of one model, the first the champion: more than the first screen shows. The last one was
            // promoted online and rolled back automatically.
            AvroCodec<ModelRelease> releases = AvroCodec.of(ModelRelease.class, registry);
            for (long v = 1; v <= RELEASES; v++) {
                ModelRelease release = ModelRelease.newBuilder().setModelName("flights").setVersion(v)
                        .setParentVersion(v > 1 ? v - 1 : null)
                        .setStatus(v == 1 ? ReleaseStatus.CHAMPION : ReleaseStatus.CANDIDATE).setStatusReason("gate")
                        .setModelKind("logistic").setOnnx(ByteBuffer.wrap(new byte[] {8, 1, 18, 0})).setSpecName("flights")
                        .setSpecVersion(1).setDenseSize(3).setSparseBuckets(16).setCreatedAt(end).setExamplesTrained(v)
                        .setTrainedThroughEventTime(end).setTrainingData(List.of()).setMetrics(Map.of())
                        .setProvenance(Map.of()).build();
                producer.send(new ProducerRecord<>(topics.models(), "flights/" + v, releases.encode(release)));
            }
            ModelRelease last = ModelRelease.newBuilder().setModelName("flights").setVersion(RELEASES).setParentVersion(1L)
                    .setStatus(ReleaseStatus.ROLLED_BACK).setStatusBy(ReleaseActor.AUTOMATIC)
                    .setStatusReason("online: paired log loss 0.71 > 0.52 after promotion")
                    .setModelKind("logistic").setOnnx(ByteBuffer.wrap(new byte[] {8, 1, 18, 0})).setSpecName("flights")
                    .setSpecVersion(1).setDenseSize(3).setSparseBuckets(16).setCreatedAt(end).setExamplesTrained(RELEASES)
                    .setTrainedThroughEventTime(end).setTrainingData(List.of()).setMetrics(Map.of())
                    .setProvenance(Map.of()).build();
            producer.send(new ProducerRecord<>(topics.models(), "flights/" + RELEASES, releases.encode(last)));
            producer.flush();
        }
    }

    /** Each quality table row's task and cells by class. */
    private static Map<String, Map<String, String>> qualityRows(String dom) {
        Map<String, Map<String, String>> rows = new HashMap<>();
        Matcher row = QUALITY_ROW.matcher(dom);
        while (row.find()) {
            Map<String, String> values = new HashMap<>();
            values.put("data-task", row.group(2));
            Matcher cell = CELL.matcher(row.group(3));
            while (cell.find()) {
                values.put(cell.group(1), cell.group(2));
            }
            rows.put(row.group(1), values);
        }
        return rows;
    }

    /** Each lag table row's data attributes and cells by class. */
    private static Map<String, Map<String, String>> rows(String dom) {
        Map<String, Map<String, String>> rows = new HashMap<>();
        Matcher row = ROW.matcher(dom);
        while (row.find()) {
            Map<String, String> values = new HashMap<>();
            values.put("data-status", row.group(2));
            values.put("data-lag-records", row.group(3));
            values.put("data-lag-seconds", row.group(4));
            Matcher cell = CELL.matcher(row.group(5));
            while (cell.find()) {
                values.put(cell.group(1), cell.group(2));
            }
            rows.put(row.group(1), values);
        }
        return rows;
    }

    private List<Long> history(String base, String group) throws Exception {
        List<Long> values = new ArrayList<>();
        get(base + "api/lag/history?group=" + URLEncoder.encode(group, StandardCharsets.UTF_8)).get("points")
                .forEach(p -> values.add(p.get("lagRecords").asLong()));
        return values;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
