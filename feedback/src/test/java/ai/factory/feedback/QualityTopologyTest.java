package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.factory.drift.PageHinkley;
import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.quality.LogLoss;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.records.CalibrationBin;
import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityTopologyTest {

    private static final long MINUTE = 60_000;

    @TempDir
    Path state;

    /** One judged prediction as the test made it. */
    private record Pair(double score, double label, long delay) {
    }

    @Test
    void slidingCountWindowsReportTheLastNPairsEveryNOverPanes() {
        int n = 500;
        int panes = 4;
        Random random = new Random(7);
        List<Pair> pairs = new ArrayList<>();
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("first")),
                QualitySettings.defaults().withCountWindow(n).withPanes(panes))) {
            for (int i = 0; i < 2 * n; i++) {
                double score = random.nextDouble();
                double label = random.nextDouble() < score ? 1.0 : 0.0;
                long delay = 1 + random.nextInt((int) (30 * MINUTE));
                long eventTime = T0 + i * 1000L;
                h.served("e" + i, eventTime, score, "m", 7);
                h.label("e" + i, label, eventTime + delay);
                pairs.add(new Pair(score, label, delay));
            }
            List<QualityReport> reports = h.quality.readValuesToList();
            // A report every n / panes judged predictions, over at most the last n.
            assertThat(reports).extracting(QualityReport::getCount).containsExactly(125L, 250L, 375L, 500L, 500L, 500L, 500L, 500L);
            assertThat(reports).extracting(QualityReport::getWindow).containsOnly("count:" + n);
            assertEqualsDirectComputation(reports.get(3), pairs.subList(0, n));
            assertEqualsDirectComputation(reports.get(5), pairs.subList(n / 2, n + n / 2));
            assertEqualsDirectComputation(reports.get(7), pairs.subList(n, 2 * n));
        }
    }

    private static void assertEqualsDirectComputation(QualityReport r, List<Pair> pairs) {
        int n = pairs.size();
        assertThat(r.getModelName()).isEqualTo("m");
        assertThat(r.getModelVersion()).isEqualTo(7L);
        assertThat(r.getCount()).isEqualTo((long) n);
        assertThat(r.getLogloss()).isCloseTo(pairs.stream().mapToDouble(p -> LogLoss.of(p.score, p.label)).average()
                .orElseThrow(), within(1e-9));
        double baseRate = pairs.stream().mapToDouble(Pair::label).average().orElseThrow();
        assertThat(r.getBaselineLogloss()).isCloseTo(pairs.stream().mapToDouble(p -> LogLoss.of(baseRate, p.label))
                .average().orElseThrow(), within(1e-9));
        assertThat(r.getTask()).isEqualTo(QualityTask.BINARY);
        assertThat(r.getRmse()).isNull();
        assertThat(r.getMae()).isNull();
        assertThat(r.getBaselineRmse()).isNull();
        assertThat(r.getAccuracy()).isEqualTo(pairs.stream().filter(p -> (p.score >= 0.5) == (p.label == 1.0)).count()
                / (double) n);
        double exactAuc = exactAuc(pairs);
        assertThat(r.getAucError()).isLessThan(0.01);
        assertThat(Math.abs(r.getAuc() - exactAuc)).isLessThanOrEqualTo(r.getAucError());
        // Panes add their score sums in another order than one pass over the pairs: equal up to rounding.
        List<CalibrationBin> expected = calibration(pairs, 10);
        assertThat(r.getCalibration()).hasSameSizeAs(expected);
        for (int b = 0; b < expected.size(); b++) {
            CalibrationBin got = r.getCalibration().get(b);
            assertThat(got.getCount()).isEqualTo(expected.get(b).getCount());
            assertThat(got.getLower()).isEqualTo(expected.get(b).getLower());
            assertThat(got.getObservedRate()).isEqualTo(expected.get(b).getObservedRate());
            assertThat(got.getMeanPredicted()).isCloseTo(expected.get(b).getMeanPredicted(), within(1e-12));
        }
        long[] delays = pairs.stream().mapToLong(Pair::delay).sorted().toArray();
        long p50 = delays[(int) Math.ceil(0.5 * n) - 1];
        long p99 = delays[(int) Math.ceil(0.99 * n) - 1];
        assertThat(r.getLabelDelayP50Ms()).isBetween(p50, (long) (p50 * 1.02) + 1);
        assertThat(r.getLabelDelayP99Ms()).isBetween(p99, (long) (p99 * 1.02) + 1);
        assertThat(r.getPending()).isZero();
        assertThat(r.getDrift()).isNull();
    }

    /**
     * A regression model next to a binary one: the regression model's count windows equal RMSE, MAE and the
     * running-mean baseline computed directly over the last N pairs, the first label (no earlier mean) left out of
     * every error sum; the binary model's reports are as before.
     */
    @Test
    void regressionCountWindowsEqualADirectComputationOverTheLastNPairs() {
        int n = 200;
        int panes = 4;
        Random random = new Random(13);
        List<Pair> pairs = new ArrayList<>();
        QualitySettings settings = QualitySettings.defaults().withCountWindow(n).withPanes(panes)
                .withTasks(QualityTasks.parse(List.of("delay=regression")));
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("first")), settings)) {
            for (int i = 0; i < 2 * n; i++) {
                // Minutes of delay: the level moves, so the running mean is a baseline worth beating.
                double label = 20 + i / 10.0 + 15 * random.nextGaussian();
                double score = label + 5 * random.nextGaussian();
                long eventTime = T0 + i * 1000L;
                long delay = 1 + random.nextInt((int) (30 * MINUTE));
                h.served("r" + i, eventTime, score, "delay", 2);
                h.label("r" + i, label, eventTime + delay);
                pairs.add(new Pair(score, label, delay));
                h.served("b" + i, eventTime, 0.3, "m", 1);
                h.label("b" + i, i % 3 == 0 ? 1.0 : 0.0, eventTime + delay);
            }
            List<QualityReport> all = h.quality.readValuesToList().stream()
                    .filter(r -> r.getWindow().equals("count:" + n)).toList();
            List<QualityReport> regression = all.stream().filter(r -> r.getModelName().equals("delay")).toList();
            assertThat(regression).extracting(QualityReport::getCount).containsExactly(50L, 100L, 150L, 200L, 200L, 200L, 200L, 200L);
            assertThat(regression).extracting(QualityReport::getTask).containsOnly(QualityTask.REGRESSION);
            assertThat(regression).allSatisfy(r -> {
                assertThat(r.getLogloss()).isNull();
                assertThat(r.getBaselineLogloss()).isNull();
                assertThat(r.getAccuracy()).isNull();
                assertThat(r.getAuc()).isNull();
                assertThat(r.getCalibration()).isEmpty();
            });
            assertThat(regression.get(0).getRegressionCount()).as("the first label has no baseline").isEqualTo(49L);
            assertEqualsDirectRegression(regression.get(3), pairs, 0, n);
            assertEqualsDirectRegression(regression.get(5), pairs, n / 2, n + n / 2);
            assertEqualsDirectRegression(regression.get(7), pairs, n, 2 * n);
            assertThat(regression.get(7).getRmse()).isLessThan(regression.get(7).getBaselineRmse());

            List<QualityReport> binary = all.stream().filter(r -> r.getModelName().equals("m")).toList();
            assertThat(binary).hasSize(8).extracting(QualityReport::getTask).containsOnly(QualityTask.BINARY);
            assertThat(binary.get(7).getLogloss()).isCloseTo((LogLoss.of(0.3, 1) + 2 * LogLoss.of(0.3, 0)) / 3, within(0.01));
            assertThat(binary.get(7).getRmse()).isNull();
        }
    }

    /** Checks a regression report against pairs [from, to), each label's baseline the mean of all labels before it. */
    private static void assertEqualsDirectRegression(QualityReport r, List<Pair> pairs, int from, int to) {
        double squared = 0;
        double abs = 0;
        double baselineSquared = 0;
        double baselineAbs = 0;
        int judged = 0;
        for (int i = Math.max(from, 1); i < to; i++) {
            Pair p = pairs.get(i);
            double mean = pairs.subList(0, i).stream().mapToDouble(Pair::label).average().orElseThrow();
            squared += (p.score - p.label) * (p.score - p.label);
            abs += Math.abs(p.score - p.label);
            baselineSquared += (mean - p.label) * (mean - p.label);
            baselineAbs += Math.abs(mean - p.label);
            judged++;
        }
        assertThat(r.getModelName()).isEqualTo("delay");
        assertThat(r.getModelVersion()).isEqualTo(2L);
        assertThat(r.getCount()).isEqualTo((long) (to - from));
        assertThat(r.getRegressionCount()).isEqualTo((long) judged);
        assertThat(r.getRmse()).isCloseTo(Math.sqrt(squared / judged), within(1e-9));
        assertThat(r.getMae()).isCloseTo(abs / judged, within(1e-9));
        assertThat(r.getBaselineRmse()).isCloseTo(Math.sqrt(baselineSquared / judged), within(1e-9));
        assertThat(r.getBaselineMae()).isCloseTo(baselineAbs / judged, within(1e-9));
        long[] delays = pairs.subList(from, to).stream().mapToLong(Pair::delay).sorted().toArray();
        long p50 = delays[(int) Math.ceil(0.5 * delays.length) - 1];
        assertThat(r.getLabelDelayP50Ms()).isBetween(p50, (long) (p50 * 1.02) + 1);
    }

    @Test
    void regressionTimeWindowsCarryTheErrorSumsOfTheirPanes() {
        QualitySettings settings = QualitySettings.defaults().withCountWindow(1_000_000).withTimeWindow(Duration.ofHours(1))
                .withPanes(4).withTasks(QualityTasks.parse(List.of("regression")));
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("first")), settings)) {
            // One label a minute for 30 minutes: labels 10, 12, 14, ..., every score 3 above its label.
            for (int i = 0; i < 30; i++) {
                long eventTime = T0 + i * MINUTE;
                h.served("e" + i, eventTime, 13 + 2 * i, "m", 1);
                h.label("e" + i, 10 + 2 * i, eventTime + 30 * 1000);
            }
            long tick = T0 + 24 * Harness.WINDOW.toMillis();
            h.served("tick", tick, 0.5, "other", 1);
            h.label("tick", 1.0, tick);
            List<QualityReport> reports = h.quality.readValuesToList().stream()
                    .filter(r -> r.getWindow().equals("time:PT1H")).toList();
            assertThat(reports).extracting(QualityReport::getModelName).containsOnly("m");
            assertThat(reports).extracting(QualityReport::getCount).containsExactly(15L, 30L, 30L, 30L, 15L);
            assertThat(reports).extracting(QualityReport::getRegressionCount).containsExactly(14L, 29L, 29L, 29L, 15L);
            assertThat(reports).allSatisfy(r -> {
                assertThat(r.getRmse()).isCloseTo(3.0, within(1e-12));
                assertThat(r.getMae()).isCloseTo(3.0, within(1e-12));
            });
            // Label i's running mean is 10 + (i - 1), one label behind by i + 1: the last quarter holds i = 15..29.
            double expectedMae = java.util.stream.IntStream.range(15, 30).map(i -> i + 1).average().orElseThrow();
            assertThat(reports.get(4).getBaselineMae()).isCloseTo(expectedMae, within(1e-9));
        }
    }

    @Test
    void slidingTimeWindowsReportTheLastHourEveryQuarterAndSkipEmptyStretches() {
        QualitySettings settings = QualitySettings.defaults().withCountWindow(1_000_000).withTimeWindow(Duration.ofHours(1))
                .withPanes(4);
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("first")), settings)) {
            // One label a minute for the first 30 minutes (scores 0.9, all positive), then nothing for a day.
            for (int i = 0; i < 30; i++) {
                long eventTime = T0 + i * MINUTE;
                h.served("e" + i, eventTime, 0.9, "m", 1);
                h.label("e" + i, 1.0, eventTime + 30 * 1000);
            }
            long tick = T0 + 24 * Harness.WINDOW.toMillis();
            h.served("tick", tick, 0.5, "m", 1);
            h.label("tick", 1.0, tick);
            List<QualityReport> reports = h.quality.readValuesToList().stream()
                    .filter(r -> r.getWindow().equals("time:PT1H")).toList();
            // Ends at 15, 30, 45, 60, 75 minutes: each window holds the labels of the hour before its end.
            assertThat(reports).extracting(r -> (r.getWindowEnd().toEpochMilli() - T0) / MINUTE)
                    .containsExactly(15L, 30L, 45L, 60L, 75L);
            assertThat(reports).extracting(QualityReport::getCount).containsExactly(15L, 30L, 30L, 30L, 15L);
            assertThat(reports.get(4).getLogloss()).isCloseTo(LogLoss.of(0.9, 1), within(1e-12));
        }
    }

    @Test
    void timeWindowsReportOncePastTheirEndAndTheJoinWindow() {
        QualitySettings settings = QualitySettings.defaults().withCountWindow(1_000_000).withTimeWindow(Duration.ofHours(1)).withPanes(1);
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("first")), settings)) {
            // 30 labels in the first hour, 10 in the second.
            for (int i = 0; i < 40; i++) {
                long eventTime = T0 + i * 2 * MINUTE;
                h.served("e" + i, eventTime, 0.7, "m", 1);
                h.label("e" + i, i % 2, eventTime + MINUTE);
            }
            assertThat(h.quality.isEmpty()).as("the first hour may still receive judgements").isTrue();
            // The join window is one hour: the first time window closes once the join clock passes 2 h.
            long tick = T0 + 2 * Harness.WINDOW.toMillis() + 1;
            h.served("tick", tick, 0.5, "m", 1);
            assertThat(h.quality.isEmpty()).as("labels up to 2 h may still come").isTrue();
            h.label("tick", 1.0, tick);
            List<QualityReport> reports = h.quality.readValuesToList();
            assertThat(reports).extracting(QualityReport::getWindow).containsExactly("time:PT1H");
            QualityReport first = reports.get(0);
            assertThat(first.getCount()).isEqualTo(30L);
            assertThat(first.getWindowEnd().toEpochMilli()).isEqualTo(T0 + Harness.WINDOW.toMillis());
            assertThat(first.getAccuracy()).isEqualTo(0.5);
            assertThat(first.getLogloss()).isCloseTo(0.5 * LogLoss.of(0.7, 1) + 0.5 * LogLoss.of(0.7, 0), within(1e-12));
        }
    }

    /**
     * Served records read far ahead of their labels (the demo's features burst) must not close a time window
     * whose judgements the join still owes: the outcomes carry the join clock, which waits for the labels.
     */
    @Test
    void timeWindowsWaitForLabelsTheJoinHasNotReadYet() {
        QualitySettings settings = QualitySettings.defaults().withCountWindow(1_000_000).withTimeWindow(Duration.ofHours(1)).withPanes(1);
        // The label that moves the labels path is timed 3 h before its event ("ahead"): allowed here, not by default.
        JoinSettings join = Harness.featuresAndLabelsClock(new JoinSettings(Harness.WINDOW, Duration.ZERO, Harness.WINDOW,
                FeedbackPolicies.of(FeedbackPolicy.parse("first")))).withTimeBounds(new TimeBounds(Duration.ofDays(1), null, null));
        try (Harness h = new Harness(state, join, settings)) {
            for (int i = 0; i < 40; i++) {
                h.served("e" + i, T0 + i * 2 * MINUTE, 0.7, "m", 1);
            }
            h.served("ahead", T0 + 5 * Harness.WINDOW.toMillis(), 0.5, "m", 1);
            for (int i = 0; i < 40; i++) {
                h.label("e" + i, i % 2, T0 + i * 2 * MINUTE + MINUTE);
            }
            assertThat(h.quality.isEmpty()).as("labels up to 2 h may still come").isTrue();
            h.label("ahead", 1.0, T0 + 2 * Harness.WINDOW.toMillis() + 1);
            List<QualityReport> reports = h.quality.readValuesToList();
            assertThat(reports).extracting(QualityReport::getWindow).containsExactly("time:PT1H");
            assertThat(reports.get(0).getCount()).isEqualTo(30L);
            assertThat(reports.get(0).getLate()).isZero();
        }
    }

    @Test
    void timeWindowsFollowTheJoinClockNotFeedbackFarAhead() {
        QualitySettings settings = QualitySettings.defaults().withCountWindow(1_000_000).withTimeWindow(Duration.ofHours(1)).withPanes(1);
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("first")), settings)) {
            for (int i = 1; i <= 10; i++) {
                h.served("e" + i, T0 + i * MINUTE, 0.7, "m", 1);
            }
            for (int i = 1; i <= 9; i++) {
                h.label("e" + i, i % 2, T0 + 20 * MINUTE);
            }
            h.features.pipeInput("e11", Records.features("e11", T0 + 11 * MINUTE));
            h.label("e11", 1.0, T0 + 30 * MINUTE);
            // Three hours ahead and outside e10's window: late, and its outcome must not move quality's clock.
            h.label("e10", 1.0, T0 + 3 * Harness.WINDOW.toMillis());
            assertThat(h.quality.readValuesToList()).as("the first hour still owes e11's judgement").isEmpty();
            // The scorer catches up: e11 is judged with a label time in the first hour.
            h.predictions.pipeInput("e11", Records.prediction("e11", T0 + 11 * MINUTE, 0.7, "m", 1));
            assertThat(h.quality.isEmpty()).isTrue();

            h.served("tick", T0 + 2 * Harness.WINDOW.toMillis() + 1, 0.5, "m", 1);
            List<QualityReport> reports = h.quality.readValuesToList();
            assertThat(reports).extracting(QualityReport::getWindow).containsExactly("time:PT1H");
            assertThat(reports.get(0).getWindowEnd().toEpochMilli()).isEqualTo(T0 + Harness.WINDOW.toMillis());
            assertThat(reports.get(0).getCount()).isEqualTo(10L);
            assertThat(reports.get(0).getLate()).isEqualTo(1L);
        }
    }

    @Test
    void anAbruptChangeOfTheLabelRateRaisesADriftReportWithinABoundedNumberOfExamples() {
        int before = 1500;
        int bound = 150;
        QualitySettings settings = QualitySettings.defaults().withCountWindow(1_000_000);
        Random random = new Random(11);
        try (Harness h = new Harness(state, FeedbackPolicies.of(FeedbackPolicy.parse("first")), settings)) {
            for (int i = 0; i < before + bound; i++) {
                double rate = i < before ? 0.2 : 0.8;
                long eventTime = T0 + i * 1000L;
                h.served("e" + i, eventTime, 0.2, "m", 1);
                h.label("e" + i, random.nextDouble() < rate ? 1.0 : 0.0, eventTime + 10);
            }
            List<QualityReport> drift = h.quality.readValuesToList().stream().filter(r -> r.getDrift() != null).toList();
            assertThat(drift).isNotEmpty();
            QualityReport first = drift.get(0);
            assertThat(first.getWindow()).isEqualTo("drift");
            assertThat(first.getDrift().getDetector()).isEqualTo(PageHinkley.UP);
            assertThat(first.getDrift().getDetectedAtCount()).isGreaterThan(before).isLessThanOrEqualTo(before + bound);
            assertThat(first.getDrift().getStatistic()).isGreaterThan(settings.driftLambda());
        }
    }

    private static double exactAuc(List<Pair> pairs) {
        double wins = 0;
        long positives = 0;
        long negatives = 0;
        for (Pair p : pairs) {
            if (p.label == 1.0) {
                positives++;
            } else {
                negatives++;
            }
        }
        for (Pair p : pairs) {
            if (p.label != 1.0) {
                continue;
            }
            for (Pair q : pairs) {
                if (q.label == 1.0) {
                    continue;
                }
                wins += p.score > q.score ? 1 : p.score == q.score ? 0.5 : 0;
            }
        }
        return wins / ((double) positives * negatives);
    }

    private static List<CalibrationBin> calibration(List<Pair> pairs, int bins) {
        long[] count = new long[bins];
        double[] scores = new double[bins];
        double[] positives = new double[bins];
        for (Pair p : pairs) {
            int b = Math.min(bins - 1, (int) Math.floor(p.score * bins));
            count[b]++;
            scores[b] += p.score;
            positives[b] += p.label;
        }
        List<CalibrationBin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                out.add(new CalibrationBin((double) b / bins, (double) (b + 1) / bins, count[b], scores[b] / count[b],
                        positives[b] / count[b]));
            }
        }
        return out;
    }

}
