package ai.factory.ops.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.metrics.CostMeters;
import ai.factory.ops.OpsOptions;
import ai.factory.ops.OpsServer;
import ai.factory.ops.explain.TracedEvents;
import ai.factory.ops.models.ModelBook;
import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.records.Prediction;
import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ops server on the embedded broker: JSON API, model actions behind the token, freshness, quality, metrics. */
@ExtendWith(KafkaExtension.class)
class OpsServerTest {

    private static final String TOKEN = "s3cret";
    private static final Instant T = Instant.parse("2001-03-01T10:00:00Z");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void servesEveryViewAndGuardsModelActionsWithTheToken(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("server"));
        String bootstrap = kafka.bootstrapServers();
        Instant served = Instant.now().minusSeconds(5);
        examplesTopic = topics.examples();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             SchemaRegistry registry = new KafkaSchemaRegistry(bootstrap, topics.schemas());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 1));
            // Five examples whose feedback arrived a minute apart; v1 trained on 0..2, v2 on 3..4.
            // Their labels are of 2001 (the data's clock); they were joined a second apart just now (the wall clock).
            for (int i = 0; i < 5; i++) {
                send(producer, registry, topics.examples(), "e" + i, example("e" + i, T.plusSeconds(60L * i),
                        served.minusSeconds(60 - i)));
            }
            send(producer, registry, topics.models(), "flights/1", release(1, null, ReleaseStatus.CHAMPION, served.minusSeconds(30), 0, 2));
            // An undecodable record between two releases: skipped and counted, nothing else changes.
            producer.send(new ProducerRecord<>(topics.models(), "flights/3", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
            send(producer, registry, topics.models(), "flights/2", release(2, 1L, ReleaseStatus.CANDIDATE, served.minusSeconds(10), 3, 4));
            send(producer, registry, topics.predictions(), "e9", prediction("e9", 1, served));
            send(producer, registry, topics.predictions(), "e10", prediction("e10", 1, served.plusSeconds(3)));
            send(producer, registry, topics.quality(), "flights/1", quality(1, T, 0.52));
            send(producer, registry, topics.quality(), "flights/1", quality(1, T.plusSeconds(600), 0.48));
            send(producer, registry, topics.quality(), "delay/4", regressionQuality(4, T.plusSeconds(600)));
            producer.flush();
            // An ingest group that stopped 2 records short of the end of events.
            send(producer, registry, topics.events(), "x", event("x"));
            send(producer, registry, topics.events(), "y", event("y"));
            producer.flush();
            String group = topics.prefix() + "ingest";
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topics.events(), 0), new OffsetAndMetadata(0)))
                    .all().get(30, TimeUnit.SECONDS);

            OpsOptions options = OpsOptions.defaults(KafkaConnection.of(bootstrap)).withPrefix(topics.prefix()).withHttp("127.0.0.1", 0)
                    .withSampling(Duration.ofMillis(300), 3).withAccess(ConsoleAccess.open().withToken(TOKEN));
            try (OpsServer server = new OpsServer(options).start()) {
                String base = server.url();
                assertThat(base).startsWith("http://127.0.0.1:");

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode lag = get(base + "api/lag");
                    JsonNode ingest = find(lag.get("groups"), "group", group);
                    assertThat(ingest).isNotNull();
                    assertThat(ingest.get("lagRecords").asLong()).isEqualTo(2);
                    assertThat(ingest.get("status").asText()).isEqualTo("STOP");
                });
                JsonNode stages = get(base + "api/pipeline").get("stages");
                JsonNode ingestStage = find(stages, "name", "ingest");
                assertThat(ingestStage.get("groups").toString()).contains(group);
                assertThat(ingestStage.get("status").asText()).isEqualTo("STOP");
                assertThat(get(base + "api/lag/history?group=" + group).get("points").size()).isPositive();

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode row = find(get(base + "api/freshness").get("releases"), "version", "1");
                    assertThat(row).isNotNull();
                    assertThat(row.get("newestFeedbackMs").asLong()).isEqualTo(served.minusSeconds(58).toEpochMilli());
                    assertThat(row.get("newestFeedbackDataTimeMs").asLong()).isEqualTo(T.plusSeconds(120).toEpochMilli());
                    // Seconds, not the 25 years between the data and now.
                    assertThat(row.get("feedbackToReleaseMs").asLong()).isEqualTo(28_000);
                    assertThat(row.get("dataTimeLagMs").isNumber()).isTrue();
                    assertThat(row.get("firstPredictionMs").asLong()).isEqualTo(served.toEpochMilli());
                    assertThat(row.get("releaseToPredictionMs").asLong()).isEqualTo(30_000);
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "api/quality").get("series").size() == 2);
                JsonNode series = get(base + "api/quality").get("series");
                JsonNode flights = find(series, "model", "flights");
                assertThat(flights.get("task").asText()).isEqualTo("BINARY");
                assertThat(flights.get("points").size()).isEqualTo(2);
                assertThat(flights.get("points").get(1).get("logloss").asDouble()).isEqualTo(0.48);
                assertThat(flights.get("points").get(1).get("baselineLogloss").asDouble()).isEqualTo(0.69);
                assertThat(flights.get("points").get(1).get("rmse").isNull()).isTrue();
                JsonNode delay = find(series, "model", "delay");
                assertThat(delay.get("task").asText()).isEqualTo("REGRESSION");
                JsonNode point = delay.get("points").get(0);
                assertThat(point.get("task").asText()).isEqualTo("REGRESSION");
                assertThat(point.get("rmse").asDouble()).isEqualTo(3.25);
                assertThat(point.get("mae").asDouble()).isEqualTo(2.5);
                assertThat(point.get("baselineRmse").asDouble()).isEqualTo(6.5);
                assertThat(point.get("baselineMae").asDouble()).isEqualTo(5.0);
                assertThat(point.get("regressionCount").asLong()).isEqualTo(99);
                for (String other : List.of("logloss", "baselineLogloss", "auc", "accuracy")) {
                    assertThat(point.get(other).isNull()).as(other + " of a regression model").isTrue();
                }

                assertThat(champion(base)).isEqualTo(1);
                assertThat(post(base + "api/models/promote?model=flights&version=2", null).statusCode()).isEqualTo(401);
                assertThat(post(base + "api/models/promote?model=flights&version=2", "wrong").statusCode()).isEqualTo(401);
                HttpResponse<String> promoted = post(base + "api/models/promote?model=flights&version=2", TOKEN);
                assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> champion(base) == 2);

                HttpResponse<String> rolledBack = post(base + "api/models/rollback?model=flights", TOKEN);
                assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> champion(base) == 1);
                JsonNode v2 = find(get(base + "api/models").get("versions"), "version", "2");
                assertThat(v2.get("status").asText()).isEqualTo("ROLLED_BACK");
                assertThat(v2.get("statusBy").asText()).isEqualTo("OPERATOR");
                assertThat(v2.get("statusReason").asText()).isEqualTo("rolled back by operator");
                assertThat(v2.get("onnxBytes").asInt()).isEqualTo(4);
                // The first screen: champion, lineage and latest decisions, the roll back among them with who and why.
                JsonNode models = get(base + "api/models");
                assertThat(models.get("lineageLimit").asInt()).isEqualTo(ModelBook.LINEAGE);
                assertThat(models.get("decisionsLimit").asInt()).isEqualTo(ModelBook.DECISIONS);
                assertThat(models.get("total").asInt()).isEqualTo(2);
                JsonNode summary = find(models.get("models"), "name", "flights");
                assertThat(summary.get("total").asInt()).isEqualTo(2);
                assertThat(summary.get("newest").asLong()).isEqualTo(2);
                assertThat(summary.get("champion").get("version").asLong()).isEqualTo(1);
                assertThat(summary.get("lineage")).extracting(v -> v.get("version").asLong()).containsExactly(1L);
                JsonNode decision = summary.get("decisions").get(0);
                assertThat(decision.get("version").asLong()).isEqualTo(2);
                assertThat(decision.get("status").asText()).isEqualTo("ROLLED_BACK");
                assertThat(decision.get("statusBy").asText()).isEqualTo("OPERATOR");
                assertThat(decision.get("decidedAt").asLong()).isGreaterThan(served.toEpochMilli());
                assertThat(summary.get("counts").get("ROLLED_BACK").asInt()).isEqualTo(1);
                assertThat(summary.get("counts").get("CHAMPION").asInt()).isEqualTo(1);
                JsonNode newest = get(base + "api/models/releases?model=flights&page=0&size=1");
                assertThat(newest.get("total").asInt()).isEqualTo(2);
                assertThat(newest.get("versions")).extracting(v -> v.get("version").asLong()).containsExactly(2L);
                JsonNode one = get(base + "api/models/version?model=flights&version=1");
                assertThat(one.get("champion").asBoolean()).isTrue();
                assertThat(one.get("status").asText()).isEqualTo("CHAMPION");
                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "api/models/version?model=flights&version=99")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "api/models/version?model=flights&version=x")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
                HttpResponse<String> refused = post(base + "api/models/rollback?model=flights", TOKEN);
                assertThat(refused.statusCode()).isEqualTo(409);
                assertThat(refused.body()).contains("only champion");

                // The gauges follow at the end of a refresh, after the view the API reads: wait for the one after the roll back.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
                        URI.create(base + "metrics")).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .contains("factory_ops_model_champion_version{model=\"flights\"} 1.0"));
                String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("factory_ops_group_lag_records{group=\"" + group + "\"} 2.0")
                        .contains("factory_ops_group_status{group=\"" + group + "\"} 3.0")
                        .contains("factory_ops_model_champion_version{model=\"flights\"} 1.0")
                        .contains("factory_ops_refresh_seconds_count")
                        .contains("factory_ops_unreadable_records 1.0")
                        .contains("factory_ops_quality_logloss{model=\"flights\",version=\"1\"} 0.48")
                        .contains("factory_ops_quality_baseline_logloss{model=\"flights\",version=\"1\"} 0.69")
                        .contains("factory_ops_quality_rmse{model=\"delay\",version=\"4\"} 3.25")
                        .contains("factory_ops_quality_mae{model=\"delay\",version=\"4\"} 2.5")
                        .contains("factory_ops_quality_baseline_rmse{model=\"delay\",version=\"4\"} 6.5")
                        .contains("factory_ops_quality_baseline_mae{model=\"delay\",version=\"4\"} 5.0")
                        .doesNotContain("factory_ops_quality_logloss{model=\"delay\"")
                        .doesNotContain("factory_ops_quality_rmse{model=\"flights\"")
                        .doesNotContain("NaN");
                String page = http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(page).contains("id=\"lag-table\"").contains("id=\"quality-table\"");
            }
        }
    }

    /**
     * 300 releases as online governance makes them (candidates, automatic promotions and rejections, an automatic
     * roll back): the first screen is the champion's lineage and the latest decisions, not 300 rows; every release
     * is there a page at a time.
     */
    @Test
    void theFirstScreenIsLineageAndDecisionsNotEveryRelease(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("governed"));
        String bootstrap = kafka.bootstrapServers();
        examplesTopic = topics.examples();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             SchemaRegistry registry = new KafkaSchemaRegistry(bootstrap, topics.schemas());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 1));
            AvroCodec<ModelRelease> codec = AvroCodec.of(ModelRelease.class, registry);
            // Every 50th release promoted online from the previous champion, the newest 9 waiting, the rest rejected.
            long parent = 1;
            producer.send(new ProducerRecord<>(topics.models(), "flights/1", codec.encode(
                    governed(1, null, ReleaseStatus.CHAMPION, ReleaseActor.TRAINER, "first model"))));
            for (long v = 2; v <= 300; v++) {
                ModelRelease release;
                if (v % 50 == 0) {
                    release = governed(v, parent, ReleaseStatus.CHAMPION, ReleaseActor.AUTOMATIC,
                            "online: paired log loss 0.47 < 0.50 over 5000 examples");
                    parent = v;
                } else if (v > 290) {
                    release = governed(v, parent, ReleaseStatus.CANDIDATE, ReleaseActor.TRAINER, "published");
                } else {
                    release = governed(v, parent, ReleaseStatus.REJECTED, ReleaseActor.AUTOMATIC,
                            "online: paired log loss 0.55 > 0.50 over 5000 examples");
                }
                producer.send(new ProducerRecord<>(topics.models(), "flights/" + v, codec.encode(release)));
            }
            // Then the automatic roll back of v300, after the candidates it was published before.
            producer.send(new ProducerRecord<>(topics.models(), "flights/300", codec.encode(governed(300, 250L,
                    ReleaseStatus.ROLLED_BACK, ReleaseActor.AUTOMATIC, "online: paired log loss 0.71 > 0.52 after promotion"))))
                    .get(30, TimeUnit.SECONDS);

            OpsOptions options = OpsOptions.defaults(KafkaConnection.of(bootstrap)).withPrefix(topics.prefix()).withHttp("127.0.0.1", 0)
                    .withSampling(Duration.ofMillis(300), 3).withAccess(ConsoleAccess.open().withToken(TOKEN));
            try (OpsServer server = new OpsServer(options).start()) {
                String base = server.url();
                await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "api/models").get("total").asInt() == 300
                        && champion(base) == 250);
                JsonNode models = get(base + "api/models");
                JsonNode flights = find(models.get("models"), "name", "flights");
                assertThat(flights.get("champion").get("version").asLong()).isEqualTo(250);
                assertThat(flights.get("lineage")).extracting(v -> v.get("version").asLong())
                        .containsExactly(250L, 200L, 150L, 100L, 50L, 1L);
                JsonNode decisions = flights.get("decisions");
                assertThat(decisions).hasSize(ModelBook.DECISIONS);
                assertThat(decisions).extracting(v -> v.get("version").asLong()).startsWith(300L, 299L, 298L).endsWith(281L);
                JsonNode rolledBack = decisions.get(0);
                assertThat(rolledBack.get("status").asText()).isEqualTo("ROLLED_BACK");
                assertThat(rolledBack.get("statusBy").asText()).isEqualTo("AUTOMATIC");
                assertThat(rolledBack.get("statusReason").asText()).isEqualTo("online: paired log loss 0.71 > 0.52 after promotion");
                assertThat(flights.get("counts").toString()).isEqualTo(
                        "{\"CANDIDATE\":9,\"CHAMPION\":6,\"REJECTED\":284,\"ROLLED_BACK\":1,\"RETIRED\":0}");
                // Each release on the screen once: the lineage and the 20 decisions, not 300 rows.
                assertThat(models.get("versions")).hasSize(26);

                JsonNode first = get(base + "api/models/releases?model=flights&page=0&size=50");
                assertThat(first.get("total").asInt()).isEqualTo(300);
                assertThat(first.get("versions")).hasSize(50);
                assertThat(first.get("versions").get(0).get("version").asLong()).isEqualTo(300);
                JsonNode last = get(base + "api/models/releases?model=flights&page=5&size=50");
                assertThat(last.get("versions")).extracting(v -> v.get("version").asLong()).endsWith(2L, 1L);
                assertThat(find(last.get("versions"), "version", "50").get("champion").asBoolean()).isFalse();
                assertThat(get(base + "api/models/releases?model=flights&page=6&size=50").get("versions")).isEmpty();
                for (String bad : List.of("page=-1", "size=0", "size=201", "page=x")) {
                    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "api/models/releases?model=flights&" + bad))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(bad).isEqualTo(400);
                }

                // An operator's roll back shows on the first screen too, the line starting one champion earlier.
                HttpResponse<String> back = post(base + "api/models/rollback?model=flights", TOKEN);
                assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> champion(base) == 200);
                flights = find(get(base + "api/models").get("models"), "name", "flights");
                assertThat(flights.get("decisions").get(0).get("version").asLong()).isEqualTo(250);
                assertThat(flights.get("decisions").get(0).get("status").asText()).isEqualTo("ROLLED_BACK");
                assertThat(flights.get("decisions").get(0).get("statusBy").asText()).isEqualTo("OPERATOR");
                assertThat(flights.get("lineage")).extracting(v -> v.get("version").asLong()).containsExactly(200L, 150L, 100L, 50L, 1L);
            }
        }
    }

    /** {@code /api/explain}: the view of {@link TracedEvents} as JSON, the lineage from the models view; clear errors. */
    @Test
    void explainsAnEventAsJson(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("explain"));
        TracedEvents.write(kafka.bootstrapServers(), topics);
        try (OpsServer server = TracedEvents.opsServer(kafka.bootstrapServers(), topics)) {
            String base = server.url();
            JsonNode view = get(base + "api/explain?event=" + TracedEvents.REPLAYED);
            assertThat(view.get("eventId").asText()).isEqualTo(TracedEvents.REPLAYED);
            assertThat(view.at("/event/attributes/carrier").asText()).isEqualTo("AA");
            assertThat(view.at("/predictions/0/score").asDouble()).isEqualTo(0.8);
            assertThat(view.at("/predictions/0/explanation/top")).extracting(c -> c.get("feature").asText())
                    .containsExactly("distance", "carrier");
            assertThat(view.at("/feedback/0/label").asDouble()).isEqualTo(1.0);
            assertThat(view.at("/examples/0/servedScore").asDouble()).isEqualTo(0.8);
            assertThat(view.at("/releases/0/steps")).extracting(r -> r.get("version").asLong()).containsExactly(2L, 1L);
            assertThat(view.at("/releases/0/steps/0/trainedThroughEventTime").asLong())
                    .isEqualTo(TracedEvents.V2_THROUGH.toEpochMilli());
            assertThat(view.at("/releases/0/steps/0/trainedFromEventTime").asLong())
                    .isEqualTo(TracedEvents.V2_FROM.toEpochMilli());
            assertThat(view.at("/search/budget").asLong()).isEqualTo(OpsHttpServer.EXPLAIN.maxRecords());

            JsonNode live = get(base + "api/explain?event=" + TracedEvents.LIVE + "&around=" + Instant.now().toEpochMilli());
            assertThat(live.at("/predictions/0/explanation").isNull()).isTrue();
            assertThat(live.get("feedback")).isEmpty();

            HttpResponse<String> unknown = send(base + "api/explain?event=flight-unknown");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(json.readTree(unknown.body()).get("error").asText())
                    .isEqualTo("event flight-unknown not found: it is not among the 3 records of " + topics.events());
            assertThat(send(base + "api/explain").statusCode()).isEqualTo(400);
            assertThat(send(base + "api/explain?event=x&around=yesterday").statusCode()).isEqualTo(400);
        }
    }

    private HttpResponse<String> send(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ModelRelease governed(long version, Long parent, ReleaseStatus status, ReleaseActor by, String reason) {
        return ModelRelease.newBuilder(release(version, parent, status, T, 0, 0)).setStatusBy(by).setStatusReason(reason).build();
    }

    @Test
    void modelActionsAreDisabledWithoutAToken(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("notoken"));
        OpsOptions options = OpsOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withPrefix(topics.prefix()).withHttp("127.0.0.1", 0)
                .withSampling(Duration.ofMillis(500), 3);
        try (OpsServer server = new OpsServer(options).start()) {
            HttpResponse<String> response = post(server.url() + "api/models/rollback?model=x", "anything");
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(get(server.url() + "api/models").get("actionsEnabled").asBoolean()).isFalse();
        }
    }

    @Test
    void theCostTableIsTheProcesssCostMetersPerUnitOnItsMachine(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("cost"));
        OpsOptions options = OpsOptions.defaults(KafkaConnection.of(kafka.bootstrapServers())).withPrefix(topics.prefix()).withHttp("127.0.0.1", 0)
                .withSampling(Duration.ofMillis(500), 3);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (OpsServer server = new OpsServer(options, meters).start()) {
            JsonNode none = get(server.url() + "api/cost");
            assertThat(none.get("components").size()).isZero();
            assertThat(none.get("machine").get("cores").asInt()).isPositive();
            CostMeters.register(meters, CostMeters.SCORING, false).units(CostMeters.PREDICTIONS, 4_000);
            meters.counter(CostMeters.CPU, "component", CostMeters.SCORING).increment(0.2);
            // The Flink jobs' series are function counters (CostSeries) under the same names: one scrape holds both kinds.
            FunctionCounter.builder(CostMeters.CPU, new double[] {0.7}, v -> v[0]).tag("component", CostMeters.INGEST).register(meters);

            JsonNode ingest = get(server.url() + "api/cost").get("components").get(0);
            assertThat(ingest.get("component").asText()).isEqualTo(CostMeters.INGEST);
            assertThat(ingest.get("cpu_s").asDouble()).isEqualTo(0.7);
            JsonNode scoring = get(server.url() + "api/cost").get("components").get(1);
            assertThat(scoring.get("component").asText()).isEqualTo(CostMeters.SCORING);
            assertThat(scoring.get("cpu_s").asDouble()).isEqualTo(0.2);
            assertThat(scoring.get("gpu_s").asDouble()).isZero();
            assertThat(scoring.get("units").get(CostMeters.PREDICTIONS).asLong()).isEqualTo(4_000);
            assertThat(scoring.get("figures").get("cpu_ms_per_1000_predictions").asDouble()).isCloseTo(50.0, within(1e-9));
            assertThat(meters.scrape()).contains("factory_cost_cpu_seconds_total{component=\"scoring\"} 0.2",
                    "factory_cost_cpu_seconds_total{component=\"ingest\"} 0.7",
                    "factory_cost_units_total{component=\"scoring\",unit=\"predictions\"} 4000");
        } finally {
            meters.close();
        }
    }

    private long champion(String base) throws Exception {
        for (JsonNode v : get(base + "api/models").get("versions")) {
            if (v.get("champion").asBoolean()) {
                return v.get("version").asLong();
            }
        }
        return -1;
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (node.get(field).asText().equals(value)) {
                return node;
            }
        }
        return null;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> post(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header(OpsHttpServer.TOKEN_HEADER, token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void send(KafkaProducer<String, byte[]> producer, SchemaRegistry registry,
                                                        String topic, String key, T record) throws Exception {
        AvroCodec<T> codec = AvroCodec.of((Class<T>) record.getClass(), registry);
        producer.send(new ProducerRecord<>(topic, key, codec.encode(record))).get(30, TimeUnit.SECONDS);
    }

    private static Event event(String id) {
        return Event.newBuilder().setId(id).setEventTime(T).setEntity(null).setAttributes(Map.of()).build();
    }

    private static LabeledExample example(String id, Instant labelTime, Instant joinedAt) {
        FeatureVector features = FeatureVector.newBuilder().setEventId(id).setEventTime(T).setEntity(null)
                .setDense(List.of(1f, 2f, 3f)).setSparse(List.of(1)).setSparseBuckets(16).setSpecName("flights")
                .setSpecVersion(1).setLate(false).setPreparedAt(T).build();
        return LabeledExample.newBuilder().setEventId(id).setFeatures(features).setLabel(1.0).setLabelTime(labelTime)
                .setLabelSource("feedback").setServedScore(null).setModelName(null).setModelVersion(null).setJoinedAt(joinedAt)
                .build();
    }

    private ModelRelease release(long version, Long parent, ReleaseStatus status, Instant created, long from, long to) {
        return ModelRelease.newBuilder().setModelName("flights").setVersion(version).setParentVersion(parent)
                .setStatus(status).setStatusReason("gate").setModelKind("logistic")
                .setOnnx(ByteBuffer.wrap(new byte[] {8, 1, 18, 0})).setSpecName("flights").setSpecVersion(1)
                .setDenseSize(3).setSparseBuckets(16).setCreatedAt(created).setExamplesTrained(to + 1)
                .setTrainedThroughEventTime(T).setTrainingData(List.of(new OffsetRange(examplesTopic, 0, from, to)))
                .setMetrics(Map.of("holdout_logloss", 0.5)).setProvenance(Map.of("device", "cpu")).build();
    }

    private String examplesTopic;

    private static Prediction prediction(String id, long version, Instant servedAt) {
        return Prediction.newBuilder().setEventId(id).setEventTime(T).setScore(0.3).setModelName("flights")
                .setModelVersion(version).setSpecVersion(1).setServedAt(servedAt).build();
    }

    private static QualityReport quality(long version, Instant windowEnd, double logloss) {
        return QualityReport.newBuilder().setModelName("flights").setModelVersion(version).setWindow("count:100")
                .setWindowEnd(windowEnd).setCount(100L).setLogloss(logloss).setAuc(0.7).setAucError(0.0).setAccuracy(0.8)
                .setBaselineLogloss(0.69)
                .setThreshold(0.5).setCalibration(List.of()).setLabelDelayP50Ms(0L).setLabelDelayP99Ms(0L)
                .setPending(0L).setExpired(0L).setLate(0L).setDrift(null).build();
    }

    /** A regression model's report as the feedback app writes it: the binary metrics null. */
    static QualityReport regressionQuality(long version, Instant windowEnd) {
        return QualityReport.newBuilder().setModelName("delay").setModelVersion(version).setWindow("count:100")
                .setWindowEnd(windowEnd).setTask(QualityTask.REGRESSION).setCount(100L).setLogloss(null).setAccuracy(null)
                .setRmse(3.25).setMae(2.5).setBaselineRmse(6.5).setBaselineMae(5.0).setRegressionCount(99L).build();
    }
}
