package ai.factory.ops.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import ai.factory.ops.models.ModelBook;
import ai.factory.ops.models.ModelVersionView;
import org.junit.jupiter.api.Test;

class FreshnessLedgerTest {

    private static ModelVersionView release(long version, String status) {
        return new ModelVersionView("m", version, version - 1, status, "", "TRAINER", "logistic", "flights", 1, 3, 16,
                1_000_000 * version, 1_000 * version, null, 500 * version,
                List.of(new ModelVersionView.TrainingRange("examples", 0, 1_000 * (version - 1), 1_000 * version - 1)),
                Map.of(), Map.of(), 4, false, 0, version, version);
    }

    @Test
    void keepsStateForTheShownReleasesOnlyAndLooksUpEachOnce() {
        ModelBook book = new ModelBook();
        FreshnessLedger ledger = new FreshnessLedger();
        int bound = ModelBook.LISTED_PER_MODEL + 1 + FreshnessLedger.MAX_AHEAD;
        book.apply("m/1", release(1, "CHAMPION"));
        for (long v = 1; v <= 10_000; v++) {
            book.apply("m/" + v, release(v, v == 1 ? "CHAMPION" : "CANDIDATE"));
            List<ModelVersionView> shown = book.listing().versions();
            List<ModelVersionView> toLookUp = ledger.show(shown);
            // Only the new release needs its feedback read: the others were read when they were first shown.
            assertThat(toLookUp).extracting(ModelVersionView::version).containsExactly(v);
            ledger.lookedUp(toLookUp.get(0), List.of(new FreshnessLedger.FeedbackTimes(1_000_000 * v - 30_000, 7 * v)));
            // A release is served a second after it is built, then again; the champion serves all along.
            ledger.prediction("m", v, 1_000_000 * v + 1_000, 600 * v);
            ledger.prediction("m", v, 1_000_000 * v + 2_000, 601 * v);
            ledger.prediction("m", 1, 1_000_000 * v + 1_500, 0);
            // Served ahead of its release: kept until the release is shown.
            ledger.prediction("m", v + 1, 1_000_000 * (v + 1) + 500, 650 * (v + 1));
            List<FreshnessRow> rows = ledger.rows(shown);
            assertThat(rows).hasSameSizeAs(shown);
            assertThat(ledger.size()).isLessThanOrEqualTo(bound);
        }
        List<ModelVersionView> shown = book.listing().versions();
        List<FreshnessRow> rows = ledger.rows(shown);
        assertThat(rows).hasSize(ModelBook.LISTED_PER_MODEL + 1);
        FreshnessRow newest = rows.get(0);
        assertThat(newest.version()).isEqualTo(10_000);
        assertThat(newest.newestFeedbackMs()).isEqualTo(10_000_000_000L - 30_000);
        assertThat(newest.firstPredictionMs()).isEqualTo(10_000_000_000L + 500);
        assertThat(newest.feedbackToReleaseMs()).isEqualTo(30_000);
        assertThat(newest.releaseToPredictionMs()).isEqualTo(500);
        assertThat(newest.feedbackToPredictionMs()).isEqualTo(30_500);
        // The data's own clock stays apart: the label's time, and the first prediction's event past the training.
        assertThat(newest.newestFeedbackDataTimeMs()).isEqualTo(70_000);
        assertThat(newest.firstPredictionEventMs()).isEqualTo(6_500_000);
        assertThat(newest.dataTimeLagMs()).isEqualTo(6_500_000 - 5_000_000);
        FreshnessRow champion = rows.get(rows.size() - 1);
        assertThat(champion.version()).isEqualTo(1);
        assertThat(champion.firstPredictionMs()).isEqualTo(1_000_000 + 1_000);
        assertThat(ledger.size()).isLessThanOrEqualTo(bound);
    }

    @Test
    void aReleaseWhoseExamplesCannotBeReadIsLookedUpAFewTimesThenShownWithout() {
        FreshnessLedger ledger = new FreshnessLedger();
        List<ModelVersionView> shown = List.of(release(7, "CANDIDATE"));
        for (int i = 0; i < FreshnessLedger.MAX_LOOKUPS; i++) {
            assertThat(ledger.show(shown)).hasSize(1);
            ledger.lookedUp(shown.get(0), List.of());
        }
        assertThat(ledger.show(shown)).isEmpty();
        assertThat(ledger.rows(shown).get(0).newestFeedbackMs()).isNull();
    }

    /** Issue 18: a replay of 2001 data showed feedback → release of about 25 years, mixing data time and wall clock. */
    @Test
    void durationsAreWallClockEvenWhenTheDataIsYearsOld() {
        FreshnessLedger ledger = new FreshnessLedger();
        long now = 1_796_000_000_000L;
        long data2001 = 978_307_200_000L;
        ModelVersionView release = new ModelVersionView("m", 5, 4L, "CHAMPION", "", "TRAINER", "logistic", "flights", 1, 3, 16,
                now, 100, null, data2001 + 3_600_000, List.of(new ModelVersionView.TrainingRange("examples", 0, 0, 99)),
                Map.of(), Map.of(), 4, false, 0, 5, 5);
        ledger.show(List.of(release));
        ledger.lookedUp(release, List.of(new FreshnessLedger.FeedbackTimes(now - 2_000, data2001 + 3_000_000)));
        ledger.prediction("m", 5, now + 800, data2001 + 7_200_000);
        FreshnessRow row = ledger.rows(List.of(release)).get(0);
        assertThat(row.feedbackToReleaseMs()).isEqualTo(2_000);
        assertThat(row.releaseToPredictionMs()).isEqualTo(800);
        assertThat(row.feedbackToPredictionMs()).isEqualTo(2_800);
        assertThat(row.dataTimeLagMs()).as("an hour of the data's time, labelled as such").isEqualTo(3_600_000);

        // An example from a writer before joined_at: the wall-clock chain is unknown rather than mixed.
        FreshnessLedger older = new FreshnessLedger();
        older.show(List.of(release));
        older.lookedUp(release, List.of(new FreshnessLedger.FeedbackTimes(null, data2001)));
        FreshnessRow unknown = older.rows(List.of(release)).get(0);
        assertThat(unknown.feedbackToReleaseMs()).isNull();
        assertThat(unknown.newestFeedbackDataTimeMs()).isEqualTo(data2001);
    }

    @Test
    void predictionsOfVersionsNeitherShownNorAheadAreNotKept() {
        FreshnessLedger ledger = new FreshnessLedger();
        ledger.show(List.of(release(100, "CHAMPION")));
        for (long v = 1; v < 100; v++) {
            ledger.prediction("m", v, v, v);
        }
        for (long v = 101; v < 101 + 10 * FreshnessLedger.MAX_AHEAD; v++) {
            ledger.prediction("m", v, v, v);
            ledger.prediction("unknown-model", v, v, v);
        }
        assertThat(ledger.size()).isEqualTo(1 + FreshnessLedger.MAX_AHEAD);
        // Once version 101 is shown, it keeps the first prediction seen while it was ahead.
        ledger.show(List.of(release(101, "CANDIDATE"), release(100, "CHAMPION")));
        assertThat(ledger.rows(List.of(release(101, "CANDIDATE"))).get(0).firstPredictionMs()).isEqualTo(101);
    }
}
