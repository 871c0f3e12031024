package ai.factory.feedback;

import static ai.factory.feedback.Harness.featuresAndLabelsClock;
import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.records.LabeledExample;
import ai.factory.records.Rejected;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One absurd time or label must not break the join for good: it goes to the dead-letter topic with its reason and
 * moves no path of the {@link JoinClock}; ordinary records after it join as before.
 */
class TimeSanityTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    private static final FeedbackPolicies LAST = FeedbackPolicies.of(FeedbackPolicy.parse("last"));

    @TempDir
    Path state;

    private static long yearsAhead(int years) {
        return System.currentTimeMillis() + years * 366L * 24 * HOUR;
    }

    private Harness harness(JoinSettings join, QualitySettings quality) {
        return new Harness(state, join, quality);
    }

    private Harness harness() {
        return harness(featuresAndLabelsClock(new JoinSettings(Harness.WINDOW, Duration.ZERO, Harness.WINDOW, LAST)),
                QualitySettings.defaults());
    }

    private static Long path(Harness h, String path) {
        KeyValueStore<String, Long> clock = h.driver.getKeyValueStore(JoinClock.STORE);
        return clock.get(path);
    }

    private static List<LabeledExample> real(Harness h) {
        return h.examples.readValuesToList().stream().filter(e -> !e.getEventId().startsWith("clock-")).toList();
    }

    @Test
    void aLabelDated2100IsDeadLetteredAndLaterLabelsStillJoin() {
        try (Harness h = harness()) {
            h.label("prank", 1.0, YEAR_2100);
            List<Rejected> rejected = h.deadLetters.readValuesToList();
            assertThat(rejected).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("prank", RejectReason.TIME_OUT_OF_BOUNDS));
            assertThat(rejected.get(0).getReason()).contains("2100-01-01T00:00:00Z").contains("ahead of the wall clock");
            assertThat(path(h, JoinClock.FEEDBACK)).as("the feedback path did not move").isNull();

            // Features are read ahead of the labels: the feedback path must still hold e1's window open.
            h.served("e1", T0, 0.8, "m", 1);
            h.features.pipeInput("ahead", Records.features("ahead", T0 + 3 * HOUR));
            h.label("e1", 1.0, T0 + 10 * 60_000);
            h.advanceTo(T0 + 2 * HOUR);

            assertThat(h.late.readValuesToList()).as("nothing late").isEmpty();
            assertThat(real(h)).extracting(LabeledExample::getEventId, LabeledExample::getLabel)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("e1", 1.0));
            assertThat(h.counter("factory.feedback.dead_letters", "reason", RejectReason.TIME_OUT_OF_BOUNDS)).isEqualTo(1.0);
        }
    }

    @Test
    void aFeatureVectorDatedYearsAheadIsQuarantinedAndTheClockStays() {
        try (Harness h = harness()) {
            h.served("e1", T0, 0.4, "m", 1);
            h.label("e1", 1.0, T0 + 5 * 60_000);
            Long features = path(h, JoinClock.FEATURES);

            h.features.pipeInput("bogus", Records.features("bogus", yearsAhead(3)));
            assertThat(h.deadLetters.readValuesToList()).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("bogus", RejectReason.TIME_OUT_OF_BOUNDS));
            assertThat(path(h, JoinClock.FEATURES)).as("the features path did not move").isEqualTo(features);
            assertThat(real(h)).as("no window closed").isEmpty();

            h.served("e2", T0 + 60_000, 0.6, "m", 1);
            h.label("e2", 0.0, T0 + 10 * 60_000);
            h.advanceTo(T0 + 2 * HOUR);
            assertThat(h.late.readValuesToList()).isEmpty();
            assertThat(real(h)).extracting(LabeledExample::getEventId).containsExactly("e1", "e2");
        }
    }

    @Test
    void aPredictionDatedYearsAheadIsQuarantinedAndTheClockStillWaitsForPredictions() {
        // The default maximum prediction lag (a day): windows wait for the predictions path.
        try (Harness h = harness(new JoinSettings(Harness.WINDOW, Duration.ZERO, Harness.WINDOW, LAST),
                QualitySettings.defaults())) {
            h.predictions.pipeInput("bogus", Records.prediction("bogus", yearsAhead(5), 0.5, "m", 1));
            assertThat(h.deadLetters.readValuesToList()).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("bogus", RejectReason.TIME_OUT_OF_BOUNDS));
            assertThat(path(h, JoinClock.PREDICTIONS)).as("the predictions path did not move").isNull();

            h.features.pipeInput("e1", Records.features("e1", T0));
            h.label("e1", 1.0, T0 + 5 * 60_000);
            h.advanceTo(T0 + 2 * HOUR);
            assertThat(real(h)).as("e1's window waits for its prediction").isEmpty();

            h.predictions.pipeInput("e1", Records.prediction("e1", T0, 0.7, "m", 1));
            h.predictions.pipeInput("p-clock", Records.prediction("p-clock", T0 + 2 * HOUR, 0.5, "m", 1));
            h.advanceTo(T0 + 2 * HOUR + 1);
            assertThat(real(h)).extracting(LabeledExample::getEventId, LabeledExample::getServedScore)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("e1", 0.7));
            assertThat(path(h, JoinClock.PREDICTIONS)).isEqualTo(T0 + 2 * HOUR);
        }
    }

    @Test
    void unsetAndNegativeTimesAreDeadLetteredNotDropped() {
        try (Harness h = harness()) {
            h.features.pipeInput("zero", Records.features("zero", 0));
            h.label("negative", 1.0, -86_400_000L);
            assertThat(h.deadLetters.readValuesToList()).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("zero", RejectReason.TIME_OUT_OF_BOUNDS),
                            org.assertj.core.groups.Tuple.tuple("negative", RejectReason.TIME_OUT_OF_BOUNDS));
            assertThat(path(h, JoinClock.FEATURES)).isNull();
            assertThat(path(h, JoinClock.FEEDBACK)).isNull();
        }
    }

    @Test
    void nanAndOutOfRangeLabelsAreDeadLetteredNeverExamples() {
        try (Harness h = harness()) {
            h.label("early", 2.0, T0 + 1);             // before its served records: every model is binary
            h.served("e1", T0, 0.4, "m", 1);
            h.served("early", T0, 0.4, "m", 1);
            h.label("e1", 0.5, T0 + 1);
            h.label("e1", Double.NaN, T0 + 2);
            h.label("e1", Double.POSITIVE_INFINITY, T0 + 3);
            h.label("e1", -1.0, T0 + 4);
            h.label("e1", 1.0, T0 + 5);

            assertThat(h.deadLetters.readValuesToList()).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("early", RejectReason.LABEL_OUT_OF_RANGE),
                            org.assertj.core.groups.Tuple.tuple("e1", RejectReason.LABEL_OUT_OF_RANGE),
                            org.assertj.core.groups.Tuple.tuple("e1", RejectReason.NOT_FINITE),
                            org.assertj.core.groups.Tuple.tuple("e1", RejectReason.NOT_FINITE),
                            org.assertj.core.groups.Tuple.tuple("e1", RejectReason.LABEL_OUT_OF_RANGE));
            h.advanceTo(T0 + 2 * HOUR);
            assertThat(real(h)).extracting(LabeledExample::getEventId, LabeledExample::getLabel)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("e1", 1.0));
            assertThat(h.counter("factory.feedback.dead_letters", "reason", RejectReason.LABEL_OUT_OF_RANGE)).isEqualTo(3.0);
            assertThat(h.counter("factory.feedback.dead_letters", "reason", RejectReason.NOT_FINITE)).isEqualTo(2.0);
        }
    }

    @Test
    void aRegressionModelsLabelIsAnyFiniteNumberAndALabelReadBeforeItsModelIsCheckedWhenTheModelIsKnown() {
        QualitySettings quality = QualitySettings.defaults().withTasks(QualityTasks.parse(List.of("delay=regression")));
        try (Harness h = harness(featuresAndLabelsClock(new JoinSettings(Harness.WINDOW, Duration.ZERO, Harness.WINDOW, LAST)),
                quality)) {
            // Labels before anything was served: the model (and so the range) is not known yet.
            h.label("r", 12.5, T0 + 1);
            h.label("b", 3.0, T0 + 1);
            assertThat(h.deadLetters.isEmpty()).isTrue();
            h.served("r", T0, 10.0, "delay", 1);
            h.served("b", T0, 0.3, "m", 1);
            List<Rejected> rejected = h.deadLetters.readValuesToList();
            assertThat(rejected).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("b", RejectReason.LABEL_OUT_OF_RANGE));
            assertThat(rejected.get(0).getSourceTopic()).isEqualTo("feedback");
            assertThat(rejected.get(0).getSourceOffset()).isEqualTo(-1L);

            h.label("r", Double.NEGATIVE_INFINITY, T0 + 2);
            h.label("b", 7.0, T0 + 2);                  // the model is known now: checked on arrival
            assertThat(h.deadLetters.readValuesToList()).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("r", RejectReason.NOT_FINITE),
                            org.assertj.core.groups.Tuple.tuple("b", RejectReason.LABEL_OUT_OF_RANGE));
            h.label("b", 0.0, T0 + 3);
            h.advanceTo(T0 + 2 * HOUR);
            assertThat(real(h)).extracting(LabeledExample::getEventId, LabeledExample::getLabel)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("r", 12.5),
                            org.assertj.core.groups.Tuple.tuple("b", 0.0));
        }
    }

    @Test
    void aLabelTimedLongBeforeItsEventIsDeadLettered() {
        try (Harness h = harness()) {
            h.label("first", 1.0, T0);                  // read before its event: checked when the event comes
            h.served("first", T0 + 3 * HOUR, 0.4, "m", 1);
            h.served("e1", T0 + 3 * HOUR, 0.4, "m", 1);
            h.label("e1", 1.0, T0 + HOUR);
            h.label("e1", 0.0, T0 + 2 * HOUR + 1);     // within the tolerance (an hour): joins
            assertThat(h.deadLetters.readValuesToList()).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("first", RejectReason.LABEL_BEFORE_EVENT),
                            org.assertj.core.groups.Tuple.tuple("e1", RejectReason.LABEL_BEFORE_EVENT));
            h.advanceTo(T0 + 5 * HOUR);
            assertThat(real(h)).extracting(LabeledExample::getEventId, LabeledExample::getLabel)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("e1", 0.0));
        }
    }

    @Test
    void aJumpBoundQuarantinesAJumpAheadOfThePathButIsOffByDefault() {
        JoinSettings join = featuresAndLabelsClock(new JoinSettings(Harness.WINDOW, Duration.ZERO, Harness.WINDOW, LAST));
        try (Harness h = harness(join.withTimeBounds(TimeBounds.defaults().withMaxClockJump(Duration.ofDays(1))),
                QualitySettings.defaults())) {
            h.features.pipeInput("e1", Records.features("e1", T0));
            h.features.pipeInput("jump", Records.features("jump", T0 + 10 * 24 * HOUR));
            h.features.pipeInput("e2", Records.features("e2", T0 + HOUR));
            assertThat(h.deadLetters.readValuesToList()).extracting(Rejected::getEventId, Rejected::getReasonCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("jump", RejectReason.TIME_JUMP));
            assertThat(path(h, JoinClock.FEATURES)).isEqualTo(T0 + HOUR);
        }
        try (Harness h = harness(join, QualitySettings.defaults())) {
            // A replay of history with a ten-day gap: nothing is dead-lettered without a jump bound.
            h.features.pipeInput("e1", Records.features("e1", T0));
            h.features.pipeInput("later", Records.features("later", T0 + 10 * 24 * HOUR));
            assertThat(h.deadLetters.isEmpty()).isTrue();
            assertThat(path(h, JoinClock.FEATURES)).isEqualTo(T0 + 10 * 24 * HOUR);
        }
    }
}
