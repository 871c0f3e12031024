package ai.factory.trainer.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ConfidenceSequenceTest {

    private final ConfidenceSequence test = new ConfidenceSequence(0.05, 100);

    @Test
    void decidesNothingBelowTheMinimumEvidence() {
        assertThat(test.interval(99, -1.0, 0.0001).verdict()).isEqualTo(ConfidenceSequence.Verdict.UNDECIDED);
        assertThat(test.interval(100, -1.0, 0.0001).verdict()).isEqualTo(ConfidenceSequence.Verdict.NEGATIVE);
        assertThat(test.interval(100, 1.0, 0.0001).verdict()).isEqualTo(ConfidenceSequence.Verdict.POSITIVE);
    }

    @Test
    void theIntervalNarrowsWithEvidenceAndIsWiderThanAFixedSampleOne() {
        double r1 = test.interval(1_000, 0, 1).radius();
        double r2 = test.interval(100_000, 0, 1).radius();
        assertThat(r2).isLessThan(r1 / 5);
        // Looking after every event costs width: wider than the fixed-sample 95% interval 1.96/sqrt(n).
        assertThat(r1).isGreaterThan(1.96 / Math.sqrt(1_000));
    }

    /** The claim that allows looking after every event: a true mean of 0 is called either way in at most ~alpha of runs. */
    @Test
    void underNoDifferenceItRarelyDecidesEvenWhenLookedAtAfterEveryEvent() {
        Random random = new Random(42);
        int runs = 400;
        int decided = 0;
        for (int run = 0; run < runs; run++) {
            PairedDifferences differences = new PairedDifferences();
            for (int i = 0; i < 3_000; i++) {
                differences.add(random.nextGaussian() * 0.1);
                if (test.interval(differences.count(), differences.mean(), differences.variance()).verdict()
                        != ConfidenceSequence.Verdict.UNDECIDED) {
                    decided++;
                    break;
                }
            }
        }
        assertThat((double) decided / runs).isLessThanOrEqualTo(0.05);
    }

    @Test
    void aRealDifferenceIsFoundAfterAFewHundredEvents() {
        Random random = new Random(7);
        PairedDifferences differences = new PairedDifferences();
        long decidedAt = -1;
        for (int i = 0; i < 10_000 && decidedAt < 0; i++) {
            differences.add(-0.02 + random.nextGaussian() * 0.1);
            if (test.interval(differences.count(), differences.mean(), differences.variance()).verdict()
                    == ConfidenceSequence.Verdict.NEGATIVE) {
                decidedAt = differences.count();
            }
        }
        assertThat(decidedAt).isBetween(100L, 2_000L);
    }

    @Test
    void aSingleLookIsTheFixedSampleNormalInterval() {
        assertThat(NormalQuantile.of(0.975)).isCloseTo(1.959964, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(NormalQuantile.of(0.95)).isCloseTo(1.644854, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(test.oneLook(400, 0, 4).radius()).isCloseTo(1.959964 * 2 / 20, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(test.oneLook(99, -1.0, 0.0001).verdict()).as("below the minimum evidence").isEqualTo(ConfidenceSequence.Verdict.UNDECIDED);
        // Narrower than the sequence at the same evidence: the price of looking after every event.
        assertThat(test.oneLook(512, 0, 1).radius()).isLessThan(test.interval(512, 0, 1).radius() / 1.5);
    }

    /** The fixed-sample claim: under no difference a single look errs in about alpha of runs, not more. */
    @Test
    void underNoDifferenceASingleLookErrsAboutAlphaOfTheTime() {
        Random random = new Random(11);
        int runs = 4_000;
        int wrongPromotions = 0;
        for (int run = 0; run < runs; run++) {
            PairedDifferences differences = new PairedDifferences();
            for (int i = 0; i < 512; i++) {
                differences.add(random.nextGaussian() * 0.1);
            }
            if (test.oneLook(differences.count(), differences.mean(), differences.variance()).verdict()
                    == ConfidenceSequence.Verdict.NEGATIVE) {
                wrongPromotions++;
            }
        }
        // One side of a 95% interval: 2.5% expected; 4,000 runs put the observed rate within about ±0.75%.
        assertThat((double) wrongPromotions / runs).isBetween(0.01, 0.035);
    }

    @Test
    void refusesSettingsThatMeanNothing() {
        assertThatThrownBy(() -> new ConfidenceSequence(0, 100)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new ConfidenceSequence(0.05, 1)).hasMessageContaining("minimum evidence");
        assertThat(test.confidence()).isEqualTo("95%");
    }
}
