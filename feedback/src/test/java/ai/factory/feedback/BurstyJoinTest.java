package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.records.LabeledExample;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join on bursty data, as a full-speed replay of a real data set delivers it: bursts of thousands of events
 * sharing one timestamp, each label a minute after its event, and the three inputs reaching the join in any order
 * (labels before the features the ingest job still holds, predictions long after both while the scorer loads a
 * model or waits for a champion, predictions read before their features). Every label whose features and
 * prediction come must join both; state must stay bounded when predictions or labels never come.
 */
class BurstyJoinTest {

    private static final long MINUTE = 60_000L;
    private static final long WINDOW = Harness.WINDOW.toMillis();

    @TempDir
    Path state;

    /** Where each input is, in bursts, when the join reads a burst's records (its arrival slot = burst + offset). */
    private record Lags(double features, double predictions, double labels) {
    }

    /** Timestamps of bursts, with gaps between bursts from a minute to two windows. */
    private static List<Long> burstTimes(Random random, int bursts) {
        long[] gaps = {MINUTE, 5 * MINUTE, 20 * MINUTE, 45 * MINUTE, 2 * WINDOW};
        List<Long> times = new ArrayList<>();
        long t = T0;
        for (int b = 0; b < bursts; b++) {
            times.add(t);
            t += gaps[random.nextInt(gaps.length)];
        }
        return times;
    }

    /** One record on its way to the join: which input, which event, and when the join reads it. */
    private record Arrival(char input, String id, long eventTime, double slot) {
    }

    /**
     * Pipes every burst's features, predictions and labels (a minute after the event) in arrival-slot order; within
     * a slot the three inputs interleave at random, each input keeps its own order. The first burst has 2,000 events,
     * the others {@code perBurst}. Returns the event ids.
     */
    private static List<String> replay(Harness h, Random random, List<Long> bursts, int perBurst, Lags lags,
                                       boolean scored) {
        List<Arrival> arrivals = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int b = 0; b < bursts.size(); b++) {
            int size = b == 0 ? 2_000 : perBurst;
            for (int i = 0; i < size; i++) {
                String id = "b" + b + "-" + i;
                ids.add(id);
                long t = bursts.get(b);
                arrivals.add(new Arrival('f', id, t, b + lags.features() + random.nextDouble()));
                if (scored) {
                    arrivals.add(new Arrival('p', id, t, b + lags.predictions() + random.nextDouble()));
                }
                arrivals.add(new Arrival('l', id, t, b + lags.labels() + random.nextDouble()));
            }
        }
        arrivals.sort(Comparator.comparingDouble(Arrival::slot));
        for (Arrival a : arrivals) {
            switch (a.input()) {
                case 'f' -> h.features.pipeInput(a.id(), Records.features(a.id(), a.eventTime()));
                case 'p' -> h.predictions.pipeInput(a.id(), Records.prediction(a.id(), a.eventTime(), score(a.id()), "m", 1));
                default -> h.label(a.id(), label(a.id()), a.eventTime() + MINUTE);
            }
        }
        return ids;
    }

    private static double score(String id) {
        return Math.floorMod(id.hashCode(), 1000) / 1000.0;
    }

    private static double label(String id) {
        return id.hashCode() % 3 == 0 ? 1.0 : 0.0;
    }

    private Harness harness(JoinSettings join) {
        return new Harness(state, join, QualitySettings.defaults());
    }

    private static JoinSettings settings(String policy) {
        // The demo's settings: no grace, late feedback recognized for another window.
        return new JoinSettings(Harness.WINDOW, Duration.ZERO, Harness.WINDOW,
                FeedbackPolicies.of(FeedbackPolicy.parse(policy)));
    }

    /** Share of the labels that came out as an example carrying the prediction served for their event. */
    private static double joinedWithPrediction(List<LabeledExample> examples, List<String> ids) {
        long withScore = examples.stream()
                .filter(e -> e.getServedScore() != null && e.getServedScore() == score(e.getEventId()))
                .filter(e -> e.getLabel() == label(e.getEventId()) && e.getLabelSource().equals("feedback"))
                .count();
        return (double) withScore / ids.size();
    }

    /**
     * Labels arrive with (and partly before) the features the ingest job releases a burst later, and predictions
     * come four bursts after the features: every label joins its features and prediction, nothing is late.
     */
    @Test
    void predictionsFourBurstsBehindTheFeaturesStillJoinEveryLabel() {
        for (String policy : List.of("first", "last")) {
            Random random = new Random(11);
            try (Harness h = harness(settings(policy))) {
                List<String> ids = replay(h, random, burstTimes(random, 12), 400, new Lags(1.3, 5.3, 1.0), true);
                closeEverything(h);

                List<LabeledExample> out = real(h.examples.readValuesToList());
                assertThat(out).as(policy).extracting(LabeledExample::getEventId).doesNotHaveDuplicates()
                        .hasSameSizeAs(ids);
                assertThat(joinedWithPrediction(out, ids)).as(policy).isGreaterThanOrEqualTo(0.999);
                assertThat(h.late.readValuesToList()).as(policy).isEmpty();
            }
        }
    }

    /**
     * The failure measured on the replay, reproduced: a clock on the features and labels alone (maximum prediction
     * lag 0, how the join worked before) closes windows whose predictions are still in flight, and most labels go
     * out without the prediction that was served.
     */
    @Test
    void aClockThatDoesNotWaitForPredictionsClosesWindowsWhosePredictionsAreInFlight() {
        Random random = new Random(11);
        try (Harness h = harness(settings("first").withMaxPredictionLag(Duration.ZERO))) {
            List<String> ids = replay(h, random, burstTimes(random, 12), 400, new Lags(1.3, 5.3, 1.0), true);
            List<LabeledExample> out = real(h.examples.readValuesToList());
            assertThat(joinedWithPrediction(out, ids)).isLessThan(0.9);
            assertThat(out).filteredOn(e -> e.getServedScore() == null).isNotEmpty();
        }
    }

    /**
     * Other orders: predictions read before their features (and labels before both), labels read long after the
     * served records, a scorer that starts ten bursts late (no champion yet). Every label joins its prediction.
     */
    @Test
    void anyOrderOfTheThreeInputsJoinsEveryLabelWithItsPrediction() {
        List<Lags> orders = List.of(
                new Lags(4.0, 2.0, 1.0),   // predictions read before the features, labels before both
                new Lags(1.0, 3.0, 6.0),   // labels read long after the served records
                new Lags(1.5, 10.5, 0.5),  // the scorer ten bursts behind
                new Lags(1.0, 1.0, 1.0));  // everything interleaved
        for (Lags lags : orders) {
            Random random = new Random(17);
            try (Harness h = harness(settings("first"))) {
                List<String> ids = replay(h, random, burstTimes(random, 12), 300, lags, true);
                closeEverything(h);
                List<LabeledExample> out = real(h.examples.readValuesToList());
                assertThat(out).as(lags.toString()).extracting(LabeledExample::getEventId).doesNotHaveDuplicates()
                        .hasSameSizeAs(ids);
                assertThat(joinedWithPrediction(out, ids)).as(lags.toString()).isGreaterThanOrEqualTo(0.999);
                assertThat(h.late.readValuesToList()).as(lags.toString()).isEmpty();
            }
        }
    }

    /**
     * A model nobody scores: predictions never come. Windows close without them once the features are the maximum
     * prediction lag past their end, every label still yields an example (without a served score), and the join
     * keeps only the events of the last window + lag + late retention.
     */
    @Test
    void withoutPredictionsWindowsCloseOnceTheFeaturesAreTheMaximumLagAheadAndStateStaysBounded() {
        Duration maxLag = Duration.ofHours(3);
        JoinSettings join = settings("first").withMaxPredictionLag(maxLag);
        try (Harness h = harness(join)) {
            int hours = 24;
            int perHour = 50;
            for (int hour = 0; hour < hours; hour++) {
                long t = T0 + hour * WINDOW;
                for (int i = 0; i < perHour; i++) {
                    String id = "h" + hour + "-" + i;
                    h.features.pipeInput(id, Records.features(id, t));
                    h.label(id, 1.0, t + MINUTE);
                }
            }
            long newest = T0 + (hours - 1) * WINDOW;
            List<LabeledExample> out = h.examples.readValuesToList();
            // Closed: events whose window end + lag the features have passed.
            long closedHours = (newest - maxLag.toMillis() - WINDOW - T0 - 1) / WINDOW + 1;
            assertThat(out).hasSize((int) closedHours * perHour).allSatisfy(e -> {
                assertThat(e.getServedScore()).isNull();
                assertThat(e.getLabelSource()).isEqualTo("feedback");
            });
            assertThat(h.late.readValuesToList()).isEmpty();

            KeyValueStore<String, JoinState> joins = h.driver.getKeyValueStore(JoinProcessor.JOIN_STORE);
            long kept;
            try (var it = joins.all()) {
                kept = 0;
                while (it.hasNext()) {
                    it.next();
                    kept++;
                }
            }
            // Open for window + lag, then remembered for late retention: at most that many hours of events.
            long boundHours = (WINDOW + maxLag.toMillis() + Harness.WINDOW.toMillis()) / WINDOW + 1;
            assertThat(kept).isLessThanOrEqualTo(boundHours * perHour);
        }
    }

    /** Moves every path far past the last window with one unrelated event, so policies that wait for it emit. */
    private static void closeEverything(Harness h) {
        long far = T0 + 1000 * WINDOW;
        h.features.pipeInput("clock", Records.features("clock", far));
        h.predictions.pipeInput("clock", Records.prediction("clock", far, 0.5, "m", 1));
        h.label("clock", 0.0, far);
    }

    private static List<LabeledExample> real(List<LabeledExample> examples) {
        return examples.stream().filter(e -> !e.getEventId().equals("clock")).toList();
    }
}
