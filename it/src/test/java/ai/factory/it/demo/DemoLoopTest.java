package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.EmbeddedKafka;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: the whole loop in one JVM on the committed flights sample, unattended, with every count
 * consistent at the end; shortened, and in full as the acceptance run (beating the constant base rate).
 */
class DemoLoopTest {

    @Test
    void theLoopRunsUnattendedAndEveryCountAddsUp(@TempDir Path dir) throws Exception {
        int events = 20_000;
        JsonNode r = demo(dir, events, "--publish-every-examples", "4000", "--explain", "3");
        assertCountsAddUp(r, events);
        assertThat(r.path("progressive").path("logloss").asDouble()).isBetween(0.0, 1.0);
        // Issue 19: every prediction explained, exactly (a logistic model), and of the score that was served.
        JsonNode explanations = r.path("explanations");
        assertThat(explanations.path("explained").asLong()).isEqualTo(r.path("prediction_records").asLong());
        assertThat(explanations.path("unexplained").asLong()).isZero();
        assertThat(explanations.path("method").asText()).isEqualTo("exact");
        assertThat(explanations.path("max_additivity_gap").asDouble(1)).isLessThan(1e-4);
        assertThat(explanations.path("max_score_gap").asDouble(1)).isLessThan(1e-5);
        assertThat(explanations.path("leading_features").size()).isPositive();
        // Issue 18: replaying 2001 data, the dashboard showed feedback → release of about 25 years (data time against
        // the wall clock). Now seconds, with the data-time lag apart.
        JsonNode dashboard = r.path("dashboard_freshness_s");
        assertThat(dashboard.path("releases").asInt()).as("listed releases with a full chain").isPositive();
        assertThat(dashboard.path("feedback_to_release").asDouble(-1)).isBetween(0.0, 300.0);
        assertThat(dashboard.path("release_to_prediction").asDouble(-1)).isBetween(0.0, 300.0);
        assertThat(dashboard.path("data_time_lag").isNumber()).as("the data-time lag, reported apart").isTrue();
        DemoRuns.assertCostOfEveryPart(r);
    }

    /** {@code ./factory demo --events 200000 --speedup max --report r.json}: about three minutes on two cores. */
    @Test
    void theFullSampleAtFullSpeedLearnsBetterThanTheBaseRate(@TempDir Path dir) throws Exception {
        int events = 200_000;
        JsonNode r = demo(dir, events);
        assertCountsAddUp(r, events);
        JsonNode progressive = r.path("progressive");
        assertThat(progressive.path("logloss").asDouble())
                .as("online log loss below the constant prediction of the same labels' base rate")
                .isLessThan(progressive.path("constant_logloss").asDouble());
        assertThat(progressive.path("auc").asDouble()).isGreaterThan(0.6);
    }

    /** With --bootstrap the demo uses the given cluster, and with --prefix everything it creates there is namespaced. */
    @Test
    void onAnExternalClusterEverythingTheDemoCreatesCarriesItsPrefix(@TempDir Path dir) throws Exception {
        int events = 5_000;
        try (EmbeddedKafka cluster = EmbeddedKafka.start(new EmbeddedKafka.Settings(0, dir.resolve("kafka"), Map.of()))) {
            JsonNode r = demo(dir, events, "--bootstrap", cluster.bootstrapServers(), "--prefix", "shared-a.",
                    "--publish-every-examples", "1000", "--explain", "2");
            assertCountsAddUp(r, events);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).isNotEmpty()
                        .allMatch(t -> t.startsWith("shared-a."), "topic name starts with the prefix");
                assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS)).extracting(GroupListing::groupId)
                        .isNotEmpty().allMatch(g -> g.startsWith("shared-a."), "group id starts with the prefix");
            }
            // Issue 19: `factory explain` on an event of the demo finds it everywhere it went, though its 2001 times
            // (events, feedback, examples) and the wall clock (features, predictions) are 25 years apart.
            JsonNode view = DemoRuns.json("explain", "flight-2500", "--bootstrap", cluster.bootstrapServers(),
                    "--prefix", "shared-a.", "--json");
            assertThat(view.path("eventId").asText()).isEqualTo("flight-2500");
            assertThat(view.path("features")).hasSize(1);
            // One served prediction; a candidate live at the time also scores the event in shadow.
            List<JsonNode> served = new ArrayList<>();
            view.path("predictions").forEach(p -> {
                if (!p.path("shadow").asBoolean()) {
                    served.add(p);
                }
            });
            assertThat(served).hasSize(1);
            assertThat(view.path("feedback")).hasSize(1);
            assertThat(view.path("examples")).hasSize(1);
            JsonNode prediction = served.get(0);
            JsonNode why = prediction.path("explanation");
            assertThat(why.path("top")).hasSize(2);
            double sum = why.path("baseline").asDouble() + why.path("rest").asDouble();
            for (JsonNode c : why.path("top")) {
                sum += c.path("contribution").asDouble();
            }
            assertThat(sum).as("the explanation adds up to its output").isCloseTo(why.path("output").asDouble(),
                    org.assertj.core.api.Assertions.within(1e-4));
            assertThat(view.path("examples").get(0).path("servedScore").asDouble())
                    .isEqualTo(prediction.path("score").asDouble());
            JsonNode lineage = null;
            for (JsonNode release : view.path("releases")) {
                lineage = release.path("version").asLong() == prediction.path("version").asLong() ? release : lineage;
            }
            assertThat(lineage).as("the lineage of the release that served it").isNotNull();
            assertThat(lineage.path("version").asLong()).isEqualTo(prediction.path("version").asLong());
            assertThat(lineage.path("steps").get(0).path("version").asLong()).isEqualTo(prediction.path("version").asLong());
            assertThat(lineage.path("steps").size()).isGreaterThanOrEqualTo(1);
            assertThat(view.path("search").path("complete").asBoolean()).isTrue();
        }
    }

    private static JsonNode demo(Path dir, int events, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--events", String.valueOf(events)));
        args.addAll(List.of(more));
        return DemoRuns.demo(dir, args.toArray(String[]::new));
    }

    private static void assertCountsAddUp(JsonNode r, int events) {
        DemoRuns.assertCountsAddUp(r, events, 1.0);
        assertThat(r.path("progressive").path("judged").asLong())
                .as("every example carries the prediction that was served for it").isEqualTo(r.path("examples").asLong());
    }
}
