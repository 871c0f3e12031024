package ai.factory.ops.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StatusEvaluatorTest {

    private final StatusEvaluator evaluator = new StatusEvaluator(5);

    /** Samples one second apart from committed offsets and end offsets. */
    private static List<Observation> window(long[] committed, long[] end, boolean active) {
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < committed.length; i++) {
            out.add(Observation.of(i * 1000L, committed[i], 0, end[i], end[i] - committed[i], active));
        }
        return out;
    }

    @Test
    void anUnmovedOffsetWithRecordsWaitingIsStallWhenTheConsumerIsAlive() {
        Verdict v = evaluator.evaluate(window(new long[] {10, 10, 10, 10, 10}, new long[] {20, 25, 30, 35, 40}, true));
        assertThat(v.status()).isEqualTo(Status.STALL);
        assertThat(v.reason()).contains("offset 10 unchanged").contains("30 records waiting");
    }

    @Test
    void anUnmovedOffsetWithRecordsWaitingIsStopWhenNoConsumerRuns() {
        Verdict v = evaluator.evaluate(window(new long[] {10, 10, 10, 10, 10}, new long[] {20, 20, 20, 20, 20}, false));
        assertThat(v.status()).isEqualTo(Status.STOP);
        assertThat(v.reason()).contains("no active consumer");
    }

    @Test
    void aConsumerWhoseLagShrinksIsOk() {
        Verdict v = evaluator.evaluate(window(new long[] {0, 100, 200, 300, 400}, new long[] {1000, 1020, 1040, 1060, 1080}, true));
        assertThat(v).isEqualTo(new Verdict(Status.OK, "catching up"));
    }

    @Test
    void aConsumerThatMovesButFallsFurtherBehindEveryIntervalIsWarn() {
        Verdict v = evaluator.evaluate(window(new long[] {0, 10, 20, 30, 40}, new long[] {100, 150, 200, 250, 300}, true));
        assertThat(v.status()).isEqualTo(Status.WARN);
        assertThat(v.reason()).contains("lag grew from 100 to 260");
    }

    @Test
    void lagThatDipsOnceInTheWindowIsNotWarn() {
        Verdict v = evaluator.evaluate(window(new long[] {0, 10, 60, 70, 80}, new long[] {100, 150, 160, 250, 300}, true));
        assertThat(v.status()).isEqualTo(Status.OK);
    }

    @Test
    void anIdlePartitionIsNotLagEvenWhenNothingMovesForAges() {
        Verdict v = evaluator.evaluate(window(new long[] {50, 50, 50, 50, 50}, new long[] {50, 50, 50, 50, 50}, false));
        assertThat(v).isEqualTo(new Verdict(Status.OK, "caught up (idle)"));
    }

    @Test
    void lagOfZeroAnywhereInTheWindowIsOk() {
        Verdict v = evaluator.evaluate(window(new long[] {10, 10, 10, 10, 10}, new long[] {10, 12, 14, 16, 18}, true));
        assertThat(v).isEqualTo(new Verdict(Status.OK, "caught up within the window"));
    }

    @Test
    void aWindowNotYetFullIsOnlyJudgedIfCaughtUp() {
        assertThat(evaluator.evaluate(window(new long[] {10, 10}, new long[] {20, 20}, false)))
                .isEqualTo(new Verdict(Status.OK, "judging: 2 of 5 samples"));
        assertThat(evaluator.evaluate(List.of())).isEqualTo(new Verdict(Status.OK, "no samples yet"));
    }

    @Test
    void onlyTheLastWindowCounts() {
        // Stalled long ago, moving for the last five samples.
        Verdict v = evaluator.evaluate(window(new long[] {5, 5, 5, 5, 5, 5, 6, 7, 8, 9}, new long[] {50, 50, 50, 50, 50, 50, 50, 50, 50, 50}, true));
        assertThat(v.status()).isEqualTo(Status.OK);
    }

    @Test
    void anOffsetThatGoesBackIsError() {
        Verdict v = evaluator.evaluate(window(new long[] {10, 20, 5, 6, 7}, new long[] {30, 30, 30, 30, 30}, true));
        assertThat(v.status()).isEqualTo(Status.ERROR);
        assertThat(v.reason()).contains("went back from 20 to 5");
    }

    @Test
    void anOffsetBelowTheLogStartIsError() {
        List<Observation> samples = List.of(Observation.of(0, 3, 10, 30, 20, true));
        Verdict v = evaluator.evaluate(samples);
        assertThat(v.status()).isEqualTo(Status.ERROR);
        assertThat(v.reason()).contains("deleted before they were consumed");
    }

    @Test
    void aSamplingErrorIsErrorWithItsMessage() {
        Verdict v = evaluator.evaluate(List.of(new Observation(0, 0, 0, 0, 0, true, "cannot read offsets: boom")));
        assertThat(v).isEqualTo(new Verdict(Status.ERROR, "cannot read offsets: boom"));
    }

    @Test
    void aGroupIsAsBadAsItsWorstPartitionAndSaysWhich() {
        Map<String, Verdict> partitions = new LinkedHashMap<>();
        partitions.put("events-0", new Verdict(Status.OK, "catching up"));
        partitions.put("events-1", new Verdict(Status.STALL, "stuck"));
        partitions.put("events-2", new Verdict(Status.WARN, "behind"));
        assertThat(StatusEvaluator.worstOf(partitions))
                .isEqualTo(new Verdict(Status.STALL, "events-1: stuck (and 1 more partitions not OK)"));
        assertThat(StatusEvaluator.worstOf(Map.of("a-0", new Verdict(Status.OK, "caught up"))))
                .isEqualTo(new Verdict(Status.OK, "caught up"));
        assertThat(StatusEvaluator.worstOf(Map.of()).status()).isEqualTo(Status.OK);
    }

    @Test
    void aWindowOfOneSampleIsRefused() {
        assertThatThrownBy(() -> new StatusEvaluator(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
