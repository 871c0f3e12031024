package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static ai.factory.feedback.Harness.featuresAndLabelsClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.metrics.CostMeters;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.QualityReport;
import ai.factory.records.Rejected;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackTopologyTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();

    @TempDir
    Path state;

    private Harness harness(String policy) {
        return new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse(policy)), QualitySettings.defaults().withPanes(1).withCountWindow(2));
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
            // Where freshness starts: the wall clock of the join (the driver's, which starts at the real one).
            assertThat(e.getJoinedAt().toEpochMilli()).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
            assertThat(h.late.isEmpty()).isTrue();
            // The example is the unit the app's CPU time is divided by (issue 19).
            assertThat(h.meters.get(CostMeters.UNITS).tags("component", CostMeters.FEEDBACK, "unit", CostMeters.EXAMPLES)
                    .counter().count()).isEqualTo(1);
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
        JoinSettings join = featuresAndLabelsClock(new JoinSettings(Harness.WINDOW, Duration.ofMinutes(5), Harness.WINDOW,
                FeedbackPolicies.of(FeedbackPolicy.parse("last"))));
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
        // Labels 1, 3 and 2: a regression model's (a binary model's labels are 0 or 1).
        QualitySettings regression = QualitySettings.defaults().withTasks(QualityTasks.parse(List.of("m=regression")));
        for (var expected : Map.of("last", 2.0, "sum", 6.0, "max", 3.0, "first", 1.0).entrySet()) {
            try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse(expected.getKey())), regression)) {
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

    /**
     * The demo's skew: every label is written before any of the features it belongs to, with label times up to
     * ten hours (ten windows) ahead of the first event. Windows close on the join clock, so each label still
     * joins: under FIRST at once when the prediction is in, or when the window closes without one (cold start).
     */
    @Test
    void feedbackWrittenFarAheadOfTheFeaturesStillYieldsOneExamplePerLabel() {
        int n = 300;
        for (String policy : List.of("first", "last")) {
            Random random = new Random(3);
            Map<String, Double> labels = new LinkedHashMap<>();
            try (Harness h = harness(policy)) {
                for (int i = 0; i < n; i++) {
                    long eventTime = T0 + i * 2 * 60_000L;
                    double label = i % 3 == 0 ? 1.0 : 0.0;
                    labels.put("e" + i, label);
                    h.label("e" + i, label, eventTime + 1 + random.nextInt((int) HOUR - 1));
                }
                assertThat(h.late.isEmpty()).as(policy + ": labels wait for their features").isTrue();

                for (int i = 0; i < n; i++) {
                    long eventTime = T0 + i * 2 * 60_000L;
                    h.features.pipeInput("e" + i, Records.features("e" + i, eventTime));
                    // Every other event is never scored (the scorer waits for a first model).
                    if (i % 2 == 1) {
                        h.predictions.pipeInput("e" + i, Records.prediction("e" + i, eventTime, 0.25, "m", 1));
                    }
                }
                h.advanceTo(T0 + (n - 1) * 2 * 60_000L + HOUR + 1);

                List<LabeledExample> out = real(h.examples.readValuesToList());
                assertThat(out).as(policy).extracting(LabeledExample::getEventId)
                        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(labels.keySet());
                assertThat(out).as(policy).allSatisfy(e -> {
                    assertThat(e.getLabel()).isEqualTo(labels.get(e.getEventId()));
                    assertThat(e.getLabelSource()).isEqualTo("feedback");
                    boolean scored = Integer.parseInt(e.getEventId().substring(1)) % 2 == 1;
                    assertThat(e.getServedScore()).isEqualTo(scored ? 0.25 : null);
                });
                assertThat(h.late.isEmpty()).as(policy).isTrue();
                assertThat(h.counter("factory.feedback.late", "reason", "unmatched")).isZero();
            }
        }
    }

    /**
     * The demo's other skew: the join reads features and predictions running more than a window ahead of labels
     * it has not read yet (in the demo the consumer fetched nothing else while it drained a burst of features,
     * and Kafka Streams stopped waiting for the label partition after {@code max.task.idle.ms}). A window must
     * not close before the labels up to its end have been read: every label within its window yields exactly
     * one example, and only the label after its window is late.
     */
    @Test
    void featuresReadFarAheadOfTheirLabelsStillYieldOneExamplePerLabel() {
        int n = 300;
        for (String policy : List.of("first", "last")) {
            Random random = new Random(5);
            Map<String, Double> labels = new LinkedHashMap<>();
            List<Feedback> written = new ArrayList<>();
            try (Harness h = harness(policy)) {
                for (int i = 0; i < n; i++) {
                    String id = "e" + i;
                    long eventTime = T0 + i * 2 * 60_000L;
                    h.features.pipeInput(id, Records.features(id, eventTime));
                    // Every other event is never scored (the scorer waits for a first model).
                    if (i % 2 == 1) {
                        h.predictions.pipeInput(id, Records.prediction(id, eventTime, 0.25, "m", 1));
                    }
                    double label = i % 3 == 0 ? 1.0 : 0.0;
                    labels.put(id, label);
                    written.add(Records.feedback(id, label, eventTime + 1 + random.nextInt((int) HOUR), "app"));
                }
                h.features.pipeInput("too-late", Records.features("too-late", T0));
                written.add(Records.feedback("too-late", 1.0, T0 + HOUR + 1, "app"));
                assertThat(h.late.isEmpty()).isTrue();

                // Ten windows later, the labels are read, in the order they were written: by label time.
                written.sort(Comparator.comparing(Feedback::getFeedbackTime));
                for (Feedback f : written) {
                    h.feedback.pipeInput(f.getEventId(), f);
                }
                h.advanceTo(T0 + (n - 1) * 2 * 60_000L + 2 * HOUR + 1);

                List<LabeledExample> out = real(h.examples.readValuesToList());
                assertThat(out).as(policy).extracting(LabeledExample::getEventId)
                        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(labels.keySet());
                assertThat(out).as(policy).allSatisfy(e -> {
                    assertThat(e.getLabel()).isEqualTo(labels.get(e.getEventId()));
                    boolean scored = Integer.parseInt(e.getEventId().substring(1)) % 2 == 1;
                    assertThat(e.getServedScore()).isEqualTo(scored ? 0.25 : null);
                });
                List<TestRecord<String, Feedback>> late = h.late.readRecordsToList();
                assertThat(late).as(policy).extracting(TestRecord::key).containsExactly("too-late");
                assertThat(new String(late.get(0).headers().lastHeader(LateReason.HEADER).value(), StandardCharsets.UTF_8))
                        .isEqualTo(LateReason.LATE);
            }
        }
    }

    @Test
    void aTaskWhoseLabelsNeverComeClosesItsWindowsOnceTheServedPathIsTheMaximumLagAhead() {
        Duration maxLag = Duration.ofHours(6);
        JoinSettings join = new JoinSettings(Harness.WINDOW, Duration.ZERO, Harness.WINDOW,
                FeedbackPolicies.of(FeedbackPolicy.parse("last,default=0")), maxLag);
        try (Harness h = new Harness(state, join, QualitySettings.defaults())) {
            for (int i = 1; i <= 10; i++) {
                h.served("e" + i, T0 + i * 60_000L, 0.3, "m", 1);
            }
            long firstWindowEnd = T0 + 60_000L + HOUR;
            long lastWindowEnd = T0 + 10 * 60_000L + HOUR;
            h.served("before", firstWindowEnd + maxLag.toMillis(), 0.3, "m", 1);
            assertThat(h.examples.isEmpty()).as("labels may trail by up to the maximum lag").isTrue();

            h.served("after", lastWindowEnd + maxLag.toMillis() + 1, 0.3, "m", 1);
            List<LabeledExample> out = h.examples.readValuesToList();
            assertThat(out).extracting(LabeledExample::getEventId).containsExactlyInAnyOrder(
                    "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10");
            assertThat(out).allSatisfy(e -> {
                assertThat(e.getLabel()).isZero();
                assertThat(e.getLabelSource()).isEqualTo(FeedbackPolicy.DEFAULT_SOURCE);
            });

            // A label that comes after all is late, not lost.
            h.label("e1", 1.0, T0 + 90_000L);
            assertThat(h.late.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("e1");

            // Once late retention has passed too, nothing of those events is kept.
            h.served("later", lastWindowEnd + maxLag.toMillis() + 2 * HOUR, 0.3, "m", 1);
            KeyValueStore<String, JoinState> joins = h.driver.getKeyValueStore(JoinProcessor.JOIN_STORE);
            List<String> kept = new ArrayList<>();
            try (var it = joins.all()) {
                it.forEachRemaining(kv -> kept.add(kv.key));
            }
            assertThat(kept).noneMatch(k -> k.matches("e\\d+"));
        }
    }

    @Test
    void coldStartUnderFirstEmitsWithoutAPredictionWhenTheWindowClosesOnTheJoinClock() {
        try (Harness h = harness("first")) {
            h.features.pipeInput("e1", Records.features("e1", T0));
            h.label("e1", 1.0, T0 + 5);
            // Labels of events not featurized yet push the feedback clock ten hours ahead: no window closes.
            h.label("ahead", 0.0, T0 + 10 * HOUR);
            assertThat(h.examples.isEmpty()).as("the prediction may still come").isTrue();
            h.advanceTo(T0 + HOUR);
            assertThat(real(h.examples.readValuesToList())).isEmpty();
            h.advanceTo(T0 + HOUR + 1);
            List<LabeledExample> out = real(h.examples.readValuesToList());
            assertThat(out).extracting(LabeledExample::getEventId).containsExactly("e1");
            assertThat(out.get(0).getServedScore()).isNull();
            assertThat(out.get(0).getModelVersion()).isNull();
            assertThat(h.late.isEmpty()).isTrue();
        }
    }

    @Test
    void feedbackForFeaturesThatNeverArriveExpiresOnceTheJoinClockPassesItsTimePlusWindowAndGrace() {
        long grace = 5 * 60_000L;
        JoinSettings join = featuresAndLabelsClock(new JoinSettings(Harness.WINDOW, Duration.ofMillis(grace), Harness.WINDOW,
                FeedbackPolicies.of(FeedbackPolicy.parse("last"))));
        try (Harness h = new Harness(state, join, QualitySettings.defaults())) {
            KeyValueStore<String, JoinState> joins = h.driver.getKeyValueStore(JoinProcessor.JOIN_STORE);
            long first = T0 + 30 * 60_000L;
            long second = T0 + 2 * HOUR;
            h.label("ghost-1", 1.0, first);
            h.label("ghost-2", 0.0, second);
            h.served("real", T0, 0.4, "m", 1);
            h.label("real", 1.0, T0 + 60_000);

            h.advanceTo(first + HOUR + grace);
            assertThat(h.late.isEmpty()).as("the join clock has not passed ghost-1's bound yet").isTrue();
            assertThat(joins.get("ghost-1")).isNotNull();

            h.advanceTo(first + HOUR + grace + 1);
            TestRecord<String, Feedback> expired = h.late.readRecord();
            assertThat(expired.key()).isEqualTo("ghost-1");
            assertThat(expired.value()).isEqualTo(Records.feedback("ghost-1", 1.0, first, "app"));
            assertThat(new String(expired.headers().lastHeader(LateReason.HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(LateReason.UNMATCHED);
            assertThat(h.late.isEmpty()).isTrue();
            assertThat(joins.get("ghost-1")).as("state is bounded").isNull();
            assertThat(joins.get("ghost-2")).as("ghost-2 still waits").isNotNull();
            assertThat(h.counter("factory.feedback.late", "reason", "unmatched")).isEqualTo(1.0);
            assertThat(real(h.examples.readValuesToList())).extracting(LabeledExample::getEventId).containsExactly("real");

            // A label whose bound the join clock has already passed is unmatched at once.
            h.label("ghost-3", 1.0, T0);
            assertThat(h.late.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("ghost-3");

            h.advanceTo(second + HOUR + grace + 1);
            assertThat(h.late.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("ghost-2");
            assertThat(joins.get("ghost-2")).isNull();
            assertThat(h.counter("factory.feedback.late", "reason", "unmatched")).isEqualTo(3.0);
            assertThat(h.counter("factory.feedback.late", "reason", "late")).isZero();
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

    @Test
    void aLengthBombIsDeadLetteredWithoutAllocatingAndProcessingGoesOn() throws java.io.IOException {
        try (Harness h = harness("first")) {
            byte[] label = ai.factory.serde.AvroCodec.of(Feedback.class, new ai.factory.serde.InMemorySchemaRegistry())
                    .encode(Records.feedback("bomb", 1.0, T0, "app"));
            // The event id, first field after the 10-byte header, claims 2^31-101 bytes: refused, not allocated.
            java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
            bomb.write(label, 0, 10);
            org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(bomb, null);
            encoder.writeLong(Integer.MAX_VALUE - 100L);
            encoder.flush();
            bomb.write(label, 11, label.length - 11);
            h.rawFeedback.pipeInput("bomb", bomb.toByteArray());
            h.served("e1", T0, 0.4, "m", 1);
            h.label("e1", 1.0, T0 + 5);

            List<Rejected> rejected = h.deadLetters.readValuesToList();
            assertThat(rejected).extracting(Rejected::getReasonCode).containsExactly("TOO_LARGE");
            assertThat(rejected.get(0).getOriginal().array()).isEqualTo(bomb.toByteArray());
            assertThat(h.examples.readValuesToList()).extracting(LabeledExample::getEventId).containsExactly("e1");
        }
    }

    @Test
    void anOversizedLabelAndAnEmptyKeyAreDeadLetteredAndProcessingGoesOn() {
        try (Harness h = harness("first")) {
            // Within Avro's limits, but no label that could ever join is this large.
            h.feedback.pipeInput("huge", Records.feedback("huge", 1.0, T0, "s".repeat(InputLimits.MAX_LABEL_BYTES)));
            h.feedback.pipeInput("", Records.feedback("", 1.0, T0, "app"));
            h.feedback.pipeInput("normal", Records.feedback("normal", 1.0, T0, "s".repeat(200)));
            h.served("e1", T0, 0.4, "m", 1);
            h.label("e1", 1.0, T0 + 5);

            List<Rejected> rejected = h.deadLetters.readValuesToList();
            assertThat(rejected).extracting(Rejected::getReasonCode)
                    .containsExactly(RejectReason.TOO_LARGE, RejectReason.MISSING_KEY);
            assertThat(rejected.get(0).getReason()).contains("limit is " + InputLimits.MAX_LABEL_BYTES);
            assertThat(rejected.get(0).getSourceOffset()).isEqualTo(0L);
            assertThat(rejected.get(1).getSourceOffset()).isEqualTo(1L);
            assertThat(h.examples.readValuesToList()).extracting(LabeledExample::getEventId).containsExactly("e1");
            assertThat(h.counter("factory.feedback.dead_letters", "reason", RejectReason.TOO_LARGE)).isEqualTo(1.0);
        }
    }
}
