package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.LogLoss;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.records.LabeledExample;
import ai.factory.records.PairedQuality;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shadow predictions on the TopologyTestDriver, under a policy that decides when the window closes. */
class ShadowTopologyTest {

    @TempDir
    Path state;

    @Test
    void underLastTheShadowScoreIsJudgedByTheLabelTheWindowCloseDecides() {
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("last")), QualitySettings.defaults())) {
            h.shadow.pipeInput("a", Records.prediction("a", T0, 0.9, "m", 4));
            h.served("a", T0, 0.3, "m", 3);
            h.label("a", 0.0, T0 + 1000);
            h.label("a", 1.0, T0 + 2000);
            h.served("b", T0 + 10, 0.6, "m", 3);
            h.label("b", 0.0, T0 + 3000);
            h.shadow.pipeInput("b", Records.prediction("b", T0 + 10, 0.2, "m", 4));
            // Scored in shadow only: joined, never paired.
            h.features.pipeInput("c", Records.features("c", T0 + 20));
            h.shadow.pipeInput("c", Records.prediction("c", T0 + 20, 0.5, "m", 4));
            h.label("c", 1.0, T0 + 4000);
            assertThat(h.paired.isEmpty()).as("nothing is paired before the windows close").isTrue();

            h.advanceTo(T0 + Harness.WINDOW.toMillis() + 60_000);
            // After its window: ignored.
            h.shadow.pipeInput("late", Records.prediction("late", T0 + 30, 0.5, "m", 4));

            List<LabeledExample> examples = h.examples.readValuesToList();
            assertThat(examples).extracting(LabeledExample::getEventId).as("one per label, the clock event's window still open").containsExactlyInAnyOrder("a", "b", "c");
            assertThat(examples).filteredOn(e -> e.getEventId().equals("a")).singleElement()
                    .satisfies(e -> assertThat(e.getServedScore()).isEqualTo(0.3));
            Map<String, PairedQuality> latest = new HashMap<>();
            for (TestRecord<String, PairedQuality> r : h.paired.readRecordsToList()) {
                latest.put(r.key(), r.value());
            }
            assertThat(latest).containsOnlyKeys("m/4/3");
            PairedQuality report = latest.get("m/4/3");
            double champion = (LogLoss.of(0.3, 1.0) + LogLoss.of(0.6, 0.0)) / 2;
            double challenger = (LogLoss.of(0.9, 1.0) + LogLoss.of(0.2, 0.0)) / 2;
            double d1 = LogLoss.of(0.9, 1.0) - LogLoss.of(0.3, 1.0);
            double d2 = LogLoss.of(0.2, 0.0) - LogLoss.of(0.6, 0.0);
            assertThat(report.getCount()).isEqualTo(2L);
            assertThat(report.getChampionLoss()).isCloseTo(champion, within(1e-12));
            assertThat(report.getChallengerLoss()).isCloseTo(challenger, within(1e-12));
            assertThat(report.getMeanLossDifference()).isCloseTo((d1 + d2) / 2, within(1e-12));
            assertThat(report.getLossDifferenceVariance()).isCloseTo((d1 - d2) * (d1 - d2) / 2, within(1e-12));
            assertThat(h.counter("factory.feedback.shadow", "outcome", "unpaired")).isEqualTo(1.0);
            assertThat(h.counter("factory.feedback.shadow", "outcome", "paired")).isEqualTo(2.0);
        }
    }
}
