package ai.factory.ingest.job;

import static ai.factory.ingest.Events.T0;
import static ai.factory.ingest.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.features.PartialVector;
import ai.factory.ingest.features.StatelessFeaturizer;
import ai.factory.ingest.spec.FeatureSpecParser;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The keyed stage of the test spec's key attribute {@code k}, driven record by record and watermark by watermark, in
 * both feature timings; the exact, order-dependent values of event-time order are pinned with {@code EVENT_TIME}.
 */
class KeyedFeatureStageTest {

    private final FeatureLayout layout = FeatureLayout.of(FeatureSpecParser.load("classpath:specs/test.json"));
    private final StatelessFeaturizer featurizer = new StatelessFeaturizer(layout);
    private final FeatureLayout.Stage stage = layout.stages().get(0);
    private final int count = layout.denseSlot("k_count_10m");
    private final int sum = layout.denseSlot("k_x_sum_10m");
    private final int mean = layout.denseSlot("k_x_mean_10m");
    private final int labels = layout.denseSlot("k_label_mean_1h");
    private final int logCount = layout.denseSlot("k_count_10m_log");
    private final int clippedLabelCount = layout.denseSlot("k_label_count_1h_clip");
    private KeyedOneInputStreamOperatorTestHarness<String, StageInput, StageInput> harness;

    private void open(FeatureTiming timing) throws Exception {
        assertThat(stage.keyAttribute()).isEqualTo("k");
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new KeyedFeatureStage(stage, timing),
                new StageKey(stage.index()), Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void windowsCoverTheOtherEventsInTheHalfOpenIntervalBeforeTheEvent() throws Exception {
        open(FeatureTiming.EVENT_TIME);
        send("a1", 0, "A", 3);
        send("a2", 5, "A", 5);
        send("a3", 10, "A", 7);      // a1 at exactly t - 10 min is outside
        send("a4", 10, "A", 1);      // tie with a3: each sees the other
        send("a5", 15, "A", 2);      // a2 at exactly t - 10 min is outside
        send("b1", 11, "B", 100);    // another key sees nothing of A
        harness.processWatermark(T0.plus(Duration.ofMinutes(20)).toEpochMilli());

        Map<String, PartialVector> out = vectors();
        assertThat(out).hasSize(6);
        assertWindow(out.get("a1"), 0, 0, 0);
        assertWindow(out.get("a2"), 1, 3, 3);
        assertWindow(out.get("a3"), 2, 6, 3);
        assertWindow(out.get("a4"), 2, 12, 6);
        assertWindow(out.get("a5"), 2, 8, 4);
        assertWindow(out.get("b1"), 0, 0, 0);
        assertThat(out.values()).noneMatch(PartialVector::late);
    }

    @Test
    void eventsWaitForTheWatermarkAndComeOutInEventTimeOrder() throws Exception {
        open(FeatureTiming.EVENT_TIME);
        send("a2", 5, "A", 5);
        send("a1", 0, "A", 3);   // out of order but on time
        harness.processWatermark(T0.plus(Duration.ofMinutes(4)).toEpochMilli());
        assertThat(vectors()).containsOnlyKeys("a1");
        harness.processWatermark(T0.plus(Duration.ofMinutes(5)).toEpochMilli());
        assertThat(vectors()).containsOnlyKeys("a1", "a2");
        assertWindow(vectors().get("a2"), 1, 3, 3);
    }

    @Test
    void aLateEventIsFeaturizedAtOnceFlaggedAndStillCounted() throws Exception {
        open(FeatureTiming.EVENT_TIME);
        send("a1", 0, "A", 3);
        send("a2", 5, "A", 5);
        harness.processWatermark(T0.plus(Duration.ofMinutes(6)).toEpochMilli());
        send("late", 4, "A", 10);     // behind the watermark
        PartialVector late = vectors().get("late");
        assertThat(late).isNotNull();
        assertThat(late.late()).isTrue();
        assertWindow(late, 1, 3, 3);  // a1 only: a2 is after its time
        send("a3", 8, "A", 1);
        harness.processWatermark(T0.plus(Duration.ofMinutes(8)).toEpochMilli());
        assertWindow(vectors().get("a3"), 3, 18, 6);  // a1, late, a2
    }

    @Test
    void feedbackCountsOnlyWhenItsOwnTimeIsBeforeTheEvent() throws Exception {
        open(FeatureTiming.EVENT_TIME);
        feedback("A", 1, Duration.ofMinutes(4));
        feedback("A", 0, Duration.ofMinutes(9).plusSeconds(59));        // 1 s before a3: counts
        feedback("A", 0, Duration.ofMinutes(10));                       // exactly at a3's time: may be its own, never counts
        feedback("A", 1, Duration.ofMinutes(10).plusMillis(1));         // 1 ms after a3: never counts for a3
        feedback("A", 1, Duration.ofMinutes(-70));                      // more than 1 h before a3: outside
        feedback("B", 1, Duration.ofMinutes(1));                        // another key
        send("a3", 10, "A", 7);
        harness.processWatermark(T0.plus(Duration.ofMinutes(30)).toEpochMilli());
        assertThat(vectors().get("a3").dense()[labels]).isEqualTo(0.5f);
        assertThat(vectors().get("a3").dense()[clippedLabelCount]).as("2 labels, clipped to 1").isEqualTo(1f);
    }

    @Test
    void factsForOtherStagesPassThrough() throws Exception {
        open(FeatureTiming.ARRIVAL);
        FeedbackFact other = new FeedbackFact(stage.index() + 1, "*", 1, T0.toEpochMilli());
        harness.processElement(StageInput.of(other), T0.toEpochMilli());
        assertThat(harness.extractOutputValues()).containsExactly(StageInput.of(other));
    }

    @Test
    void onArrivalEachEventIsFeaturizedAtOnceAgainstWhatHasArrived() throws Exception {
        open(FeatureTiming.ARRIVAL);
        send("a1", 0, "A", 3);
        assertWindow(vectors().get("a1"), 0, 0, 0);
        send("a2", 5, "A", 5);
        assertWindow(vectors().get("a2"), 1, 3, 3);
        send("a3", 10, "A", 7);      // a1 at exactly t - 10 min is outside
        send("a4", 10, "A", 1);      // a tie: a4 sees a3, which came first, but not the other way round
        assertWindow(vectors().get("a3"), 1, 5, 5);
        assertWindow(vectors().get("a4"), 2, 12, 6);
        send("a0", 3, "A", 9);       // out of order but on time: sees a1 only, and is not late
        assertWindow(vectors().get("a0"), 1, 3, 3);
        send("a5", 12, "A", 2);      // a0, a2, a3 and a4
        assertWindow(vectors().get("a5"), 4, 22, 5.5);
        assertThat(vectors()).hasSize(6);
        assertThat(vectors().values()).noneMatch(PartialVector::late);
        assertThat(harness.numEventTimeTimers()).as("eviction timers only: nothing waits").isEqualTo(5);
    }

    @Test
    void onArrivalFeedbackCountsOnlyWhenItHasArrivedBeforeTheEvent() throws Exception {
        open(FeatureTiming.ARRIVAL);
        send("a3", 10, "A", 7);
        feedback("A", 1, Duration.ofMinutes(9));    // dated before a3, but a3 has gone out already
        send("a4", 11, "A", 1);
        assertThat(vectors().get("a3").dense()[labels]).isZero();
        assertThat(vectors().get("a4").dense()[labels]).isEqualTo(1f);
    }

    @Test
    void onArrivalLateEventsAreStillFlaggedAndStateStillLeavesOnTheWatermark() throws Exception {
        open(FeatureTiming.ARRIVAL);
        send("a1", 0, "A", 3);
        send("a2", 5, "A", 5);
        harness.processWatermark(T0.plus(Duration.ofMinutes(11)).toEpochMilli());   // a1's bucket left the windows
        send("late", 6, "A", 10);
        PartialVector late = vectors().get("late");
        assertThat(late.late()).isTrue();
        assertWindow(late, 1, 5, 5);   // a2 only
        assertThat(vectors().get("a1").late()).isFalse();
        harness.processWatermark(T0.plus(Duration.ofMinutes(30)).toEpochMilli());
        assertThat(harness.numEventTimeTimers()).as("every bucket has left").isZero();
    }

    private void send(String id, int minute, String k, long x) throws Exception {
        PartialVector v = featurizer.featurize(event(id, T0.plus(Duration.ofMinutes(minute)), k, x, null)).vector();
        harness.processElement(StageInput.of(v), v.eventTime());
    }

    private void feedback(String key, double label, Duration after) throws Exception {
        long time = T0.plus(after).toEpochMilli();
        harness.processElement(StageInput.of(new FeedbackFact(stage.index(), key, label, time)), time);
    }

    private Map<String, PartialVector> vectors() {
        List<StageInput> out = harness.extractOutputValues();
        return out.stream().filter(StageInput::isVector).map(StageInput::vector)
                .collect(Collectors.toMap(PartialVector::id, Function.identity()));
    }

    private void assertWindow(PartialVector v, double expectedCount, double expectedSum, double expectedMean) {
        assertThat(v.dense()[count]).as("count of %s", v.id()).isEqualTo((float) expectedCount);
        assertThat(v.dense()[logCount]).as("log1p of the count of %s", v.id()).isEqualTo((float) Math.log1p(expectedCount));
        assertThat(v.dense()[sum]).as("sum of %s", v.id()).isEqualTo((float) expectedSum);
        assertThat(v.dense()[mean]).as("mean of %s", v.id()).isEqualTo((float) expectedMean);
    }
}
