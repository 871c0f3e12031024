package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.QualityReport;
import ai.factory.records.Rejected;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackTopologyTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();

    @TempDir
    Path state;

    private Harness harness(String policy) {
        return new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse(policy)), QualitySettings.defaults().withCountWindow(2));
    }

    private static List<LabeledExample> real(List<LabeledExample> examples) {
        return examples.stream().filter(e -> !e.getEventId().startsWith("clock-")).toList();
    }

    @Test
    void joinsServedFeaturesPredictionAndFeedbackWhenTheWindowCloses() {
        try (Harness h = harness("last")) {
            h.served("e1", T0, 0.8, "m", 3);
            h.label("e1", 1.0, T0 + 10 * 60_000);
            assertThat(h.examples.isEmpty()).as("last: waits for the window to close").isTrue();

            h.advanceTo(T0 + HOUR + 1);

            List<LabeledExample> out = h.examples.readValuesToList();
            assertThat(out).hasSize(1);
            LabeledExample e = out.get(0);
            assertThat(e.getEventId()).isEqualTo("e1");
            assertThat(e.getFeatures()).isEqualTo(Records.features("e1", T0));
            assertThat(e.getLabel()).isEqualTo(1.0);
            assertThat(e.getLabelTime().toEpochMilli()).isEqualTo(T0 + 10 * 60_000);
            assertThat(e.getLabelSource()).isEqualTo("feedback");
            assertThat(e.getServedScore()).isEqualTo(0.8);
            assertThat(e.getModelName()).isEqualTo("m");
            assertThat(e.getModelVersion()).isEqualTo(3L);
            assertThat(h.late.isEmpty()).isTrue();
        }
    }

    @Test
    void feedbackAtTheWindowEndJoinsAndOneMillisecondLaterIsLate() {
        try (Harness h = harness("last")) {
            h.served("edge", T0, 0.3, "m", 1);
            h.served("after", T0, 0.3, "m", 1);
            h.label("edge", 0.0, T0 + HOUR);
            h.label("after", 1.0, T0 + HOUR + 1);

            TestRecord<String, Feedback> late = h.late.readRecord();
            assertThat(late.key()).isEqualTo("after");
            assertThat(late.value()).isEqualTo(Records.feedback("after", 1.0, T0 + HOUR + 1, "app"));
            assertThat(new String(late.headers().lastHeader(LateReason.HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(LateReason.LATE);

            h.advanceTo(T0 + HOUR + 2);
            assertThat(h.examples.readValuesToList()).extracting(LabeledExample::getEventId).containsExactly("edge");
            assertThat(h.counter("factory.feedback.late", "reason", "late")).isEqualTo(1.0);
        }
    }

    @Test
    void windowStaysOpenUntilStreamTimePassesItsEnd() {
        try (Harness h = harness("last")) {
            h.served("e1", T0, 0.3, "m", 1);
            h.label("e1", 1.0, T0 + 1);
            h.advanceTo(T0 + HOUR);
            assertThat(real(h.examples.readValuesToList())).isEmpty();
            h.advanceTo(T0 + HOUR + 1);
            assertThat(real(h.examples.readValuesToList())).hasSize(1);
        }
    }

    @Test
    void graceKeepsTheWindowOpenLonger() {
        JoinSettings join = new JoinSettings(Harness.WINDOW, Duration.ofMinutes(5), Harness.WINDOW,
                FeedbackPolicies.of(FeedbackPolicy.parse("last")));
        try (Harness h = new Harness(state, join, QualitySettings.defaults())) {
            h.served("e1", T0, 0.3, "m", 1);
            h.advanceTo(T0 + HOUR + 60_000);
            // Stream time is past the window, but within grace: feedback timed inside the window still joins.
            h.label("e1", 1.0, T0 + HOUR - 1);
            h.advanceTo(T0 + HOUR + 5 * 60_000 + 1);
            assertThat(real(h.examples.readValuesToList())).extracting(LabeledExample::getLabel).containsExactly(1.0);
        }
    }

    @Test
    void defaultLabelForEventsWithoutFeedback() {
        try (Harness h = harness("last,default=0")) {
            h.served("quiet", T0, 0.1, "m", 1);
            h.advanceTo(T0 + HOUR + 1);
            List<LabeledExample> out = real(h.examples.readValuesToList());
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getLabel()).isEqualTo(0.0);
            assertThat(out.get(0).getLabelSource()).isEqualTo(FeedbackPolicy.DEFAULT_SOURCE);
            assertThat(out.get(0).getLabelTime().toEpochMilli()).isEqualTo(T0 + HOUR);
            assertThat(out.get(0).getServedScore()).isEqualTo(0.1);
        }
    }

    @Test
    void noExamplePolicyEmitsNothingAndCountsTheExpiredPrediction() {
        try (Harness h = harness("last,no-example")) {
            h.served("quiet", T0, 0.1, "m", 1);
            h.served("heard", T0, 0.9, "m", 1);
            h.label("heard", 1.0, T0 + 5);
            h.advanceTo(T0 + HOUR + 1);
            assertThat(real(h.examples.readValuesToList())).extracting(LabeledExample::getEventId).containsExactly("heard");
            assertThat(h.counter("factory.feedback.expired")).isEqualTo(1.0);
            // One more judged prediction completes a count window of 2 on the quality side.
            h.served("third", T0 + HOUR + 2, 0.9, "m", 1);
            h.label("third", 1.0, T0 + HOUR + 3);
            h.advanceTo(T0 + 2 * HOUR + 10);
            QualityReport report = h.quality.readValuesToList().stream()
                    .filter(r -> r.getWindow().startsWith("count:")).findFirst().orElseThrow();
            assertThat(report.getCount()).isEqualTo(2L);
            assertThat(report.getExpired()).isEqualTo(1L);
            assertThat(report.getPending()).isZero();
        }
    }

    @Test
    void firstEmitsAtOnceAndIgnoresLaterFeedback() {
        try (Harness h = harness("first")) {
            h.served("e1", T0, 0.4, "m", 1);
            h.label("e1", 1.0, T0 + 5);
            List<LabeledExample> out = h.examples.readValuesToList();
            assertThat(out).extracting(LabeledExample::getLabel).containsExactly(1.0);
            h.label("e1", 0.0, T0 + 6);
            h.advanceTo(T0 + HOUR + 1);
            assertThat(real(h.examples.readValuesToList())).isEmpty();
            assertThat(h.late.isEmpty()).isTrue();
            assertThat(h.counter("factory.feedback.ignored")).isEqualTo(1.0);
        }
    }

    @Test
    void firstWaitsForThePredictionSoTheExampleCarriesTheServedScore() {
        try (Harness h = harness("first")) {
            h.features.pipeInput("e1", Records.features("e1", T0));
            h.label("e1", 1.0, T0 + 5);
            assertThat(h.examples.isEmpty()).isTrue();
            h.predictions.pipeInput("e1", Records.prediction("e1", T0, 0.7, "m", 2));
            assertThat(h.examples.readValuesToList()).extracting(LabeledExample::getServedScore).containsExactly(0.7);
        }
    }

    @Test
    void lastSumAndMaxCombineEveryFeedbackOfTheWindow() {
        for (var expected : Map.of("last", 2.0, "sum", 6.0, "max", 3.0, "first", 1.0).entrySet()) {
            try (Harness h = harness(expected.getKey())) {
                h.served("e1", T0, 0.4, "m", 1);
                h.label("e1", 1.0, T0 + 1);
                h.label("e1", 3.0, T0 + 2);
                h.label("e1", 2.0, T0 + 3);
                h.advanceTo(T0 + HOUR + 1);
                assertThat(real(h.examples.readValuesToList())).as(expected.getKey())
                        .extracting(LabeledExample::getLabel).containsExactly(expected.getValue());
            }
        }
    }

    @Test
    void policiesApplyPerModel() {
        FeedbackPolicies policies = FeedbackPolicies.parse(FeedbackPolicy.parse("last"),
                List.of("clicks=max,default=0", "delays=sum,no-example"));
        try (Harness h = new Harness(state, policies, QualitySettings.defaults())) {
            h.served("c", T0, 0.2, "clicks", 1);
            h.served("d", T0, 0.2, "delays", 1);
            h.advanceTo(T0 + HOUR + 1);
            List<LabeledExample> out = real(h.examples.readValuesToList());
            assertThat(out).extracting(LabeledExample::getEventId).containsExactly("c");
            assertThat(out.get(0).getLabelSource()).isEqualTo("default");
        }
    }

    @Test
    void coldStartBuildsExamplesFromFeaturesAndLabelWithoutAPrediction() {
        try (Harness h = harness("last")) {
            h.features.pipeInput("e1", Records.features("e1", T0));
            h.label("e1", 1.0, T0 + 5);
            h.advanceTo(T0 + HOUR + 1);
            List<LabeledExample> out = real(h.examples.readValuesToList());
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getServedScore()).isNull();
            assertThat(out.get(0).getModelName()).isNull();
            assertThat(out.get(0).getModelVersion()).isNull();
            assertThat(h.quality.isEmpty()).isTrue();
        }
    }

    @Test
    void feedbackThatArrivesBeforeTheServedRecordsStillJoins() {
        try (Harness h = harness("last")) {
            h.label("e1", 1.0, T0 + 30 * 60_000);
            h.served("e1", T0, 0.6, "m", 1);
            h.advanceTo(T0 + HOUR + 1);
            assertThat(real(h.examples.readValuesToList())).extracting(LabeledExample::getLabel).containsExactly(1.0);
        }
    }

    @Test
    void earlyFeedbackOutsideTheWindowOfLaterServedRecordsIsLate() {
        try (Harness h = harness("last")) {
            h.label("e1", 1.0, T0 + HOUR + 30 * 60_000);
            h.served("e1", T0, 0.6, "m", 1);
            assertThat(h.late.readValuesToList()).extracting(Feedback::getEventId).containsExactly("e1");
        }
    }

    @Test
    void feedbackAfterTheWindowClosedGoesToLateAndIsCountedForTheModel() {
        try (Harness h = harness("last,default=0")) {
            h.served("e1", T0, 0.6, "m", 1);
            h.advanceTo(T0 + HOUR + 1);
            h.label("e1", 1.0, T0 + HOUR - 10);
            TestRecord<String, Feedback> late = h.late.readRecord();
            assertThat(late.key()).isEqualTo("e1");
            assertThat(new String(late.headers().lastHeader(LateReason.HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(LateReason.LATE);
            // A second judged prediction completes the count window; its report shows the late feedback.
            h.served("e2", T0 + HOUR + 2, 0.6, "m", 1);
            h.advanceTo(T0 + 2 * HOUR + 10);
            QualityReport report = h.quality.readValuesToList().stream()
                    .filter(r -> r.getWindow().equals("count:2")).findFirst().orElseThrow();
            assertThat(report.getLate()).isEqualTo(1L);
            assertThat(report.getExpired()).isEqualTo(2L);
        }
    }

    @Test
    void feedbackForNothingServedIsUnmatched() {
        try (Harness h = harness("last")) {
            h.label("ghost", 1.0, T0);
            h.advanceTo(T0 + HOUR + 1);
            TestRecord<String, Feedback> out = h.late.readRecord();
            assertThat(out.key()).isEqualTo("ghost");
            assertThat(new String(out.headers().lastHeader(LateReason.HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(LateReason.UNMATCHED);
            assertThat(h.late.isEmpty()).isTrue();
        }
    }

    @Test
    void undecodableAndInvalidInputGoesToTheDeadLetterTopicAndProcessingGoesOn() {
        try (Harness h = harness("first")) {
            byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
            h.rawFeedback.pipeInput("bad", garbage);
            h.label("nan", Double.NaN, T0);
            h.served("e1", T0, 0.4, "m", 1);
            h.label("e1", 1.0, T0 + 5);

            List<Rejected> rejected = h.deadLetters.readValuesToList();
            assertThat(rejected).hasSize(2);
            Rejected undecodable = rejected.get(0);
            assertThat(undecodable.getEventId()).isEqualTo("bad");
            assertThat(undecodable.getReasonCode()).isEqualTo("BAD_HEADER");
            assertThat(undecodable.getSourceTopic()).isEqualTo("feedback");
            assertThat(undecodable.getSourceOffset()).isEqualTo(0L);
            assertThat(undecodable.getOriginal().array()).isEqualTo(garbage);
            assertThat(rejected.get(1).getReasonCode()).isEqualTo("NOT_FINITE");
            assertThat(rejected.get(1).getSourceOffset()).isEqualTo(1L);
            assertThat(h.examples.readValuesToList()).extracting(LabeledExample::getEventId).containsExactly("e1");
        }
    }
}
