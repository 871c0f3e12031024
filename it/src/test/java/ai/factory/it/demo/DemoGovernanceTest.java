package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label-poisoning drill: {@code factory demo --poison-labels 0.4-0.6} on the flights sample flips the labels of
 * the middle fifth of the replay; the loop must go on serving every event, and the report's governance section must
 * account for every decision made about the releases, with its reason.
 */
class DemoGovernanceTest {

    private static final int EVENTS = 30_000;
    private static final Set<String> ACTORS = Set.of("trainer", "operator", "automatic", "unknown");

    @Test
    void poisonedLabelsAreFlippedWhileTheLoopServesAndEveryDecisionIsAccountedFor(@TempDir Path dir) throws Exception {
        long started = System.nanoTime();
        JsonNode r = DemoRuns.demo(dir, "--events", String.valueOf(EVENTS), "--poison-labels", "0.4-0.6",
                "--publish-every-examples", "1000");
        DemoRuns.assertCountsAddUp(r, EVENTS, 1.0);
        assertPoisonedStretch(r.path("poisoned_labels"));
        assertGovernanceConsistent(r);
        assertPoisonHandled(r);
        System.out.printf("DemoGovernanceTest: %.0f s; governance %s%n", (System.nanoTime() - started) / 1e9,
                ((ObjectNode) r.path("governance").deepCopy()).without("recent_decisions"));
    }

    /** The stretch asked for, replayed whole: its event indexes, every label in it flipped, its event times. */
    private static void assertPoisonedStretch(JsonNode p) {
        assertThat(p.isObject()).as("the report records the poisoned stretch").isTrue();
        assertThat(p.path("from_fraction").asDouble()).isEqualTo(0.4);
        assertThat(p.path("to_fraction").asDouble()).isEqualTo(0.6);
        assertThat(p.path("from_event").asLong()).isEqualTo(12_000);
        assertThat(p.path("to_event").asLong()).isEqualTo(18_000);
        assertThat(p.path("flipped").asLong()).as("every label of the stretch sent flipped").isEqualTo(6_000);
        Instant first = Instant.parse(p.path("first_event_time").asText());
        Instant last = Instant.parse(p.path("last_event_time").asText());
        assertThat(first).isBefore(last);
    }

    /** Counts that add up: each promotion and rejection is a release's, each decision names who made it and why. */
    private static void assertGovernanceConsistent(JsonNode r) {
        JsonNode g = r.path("governance");
        assertThat(g.isObject()).as("the report has a governance section").isTrue();
        long releases = g.path("releases").asLong();
        assertThat(releases).isEqualTo(r.path("model_releases").asLong()).isGreaterThan(1);
        assertThat(g.path("promotions").asLong()).as("the initial release and at least one trained one").isGreaterThanOrEqualTo(2);
        assertThat(g.path("promotions").asLong() + g.path("rejections").asLong()).isLessThanOrEqualTo(releases);
        for (String kind : new String[] {"promotions", "rejections", "rollbacks"}) {
            long byActor = 0;
            for (JsonNode n : g.path(kind + "_by")) {
                byActor += n.asLong();
            }
            assertThat(byActor).as("%s by actor add up", kind).isEqualTo(g.path(kind).asLong());
            g.path(kind + "_by").fieldNames().forEachRemaining(actor -> assertThat(ACTORS).contains(actor));
        }
        assertThat(g.path("champion_version").asLong()).as("the ledger's champion is the report's")
                .isEqualTo(r.path("champion_version").asLong());
        JsonNode recent = g.path("recent_decisions");
        assertThat(recent.isArray()).isTrue();
        assertThat(recent.size()).isBetween(1, 20);
        for (JsonNode d : recent) {
            assertThat(d.path("version").asLong()).isPositive();
            assertThat(d.path("status").asText()).isIn("CANDIDATE", "CHAMPION", "REJECTED", "RETIRED", "ROLLED_BACK");
            assertThat(d.path("by").asText()).isIn(ACTORS);
            assertThat(d.path("reason").asText()).as("decision %s has a reason", d).isNotBlank();
        }
    }

    /**
     * What the loop does about poisoned feedback: flipping the feedback flips the truth every judge of the loop uses
     * (the hold-out and the shadow evidence alike), so no rule can tell the stretch is wrong while it lasts; the loop
     * must keep serving, with a champion the ledger names and every decision on record. Poisoned training data judged
     * against a clean truth is {@code TrainerGovernanceTest}'s: there its candidates are never promoted.
     */
    static void assertPoisonHandled(JsonNode report) {
        JsonNode g = report.path("governance");
        assertThat(report.path("poisoned_labels").path("flipped").asLong()).isPositive();
        assertThat(g.path("champion_version").isNumber()).as("a champion serves after the drill").isTrue();
        assertThat(report.path("predictions").asLong()).as("every event served through the drill")
                .isEqualTo(report.path("events").asLong());
    }
}
