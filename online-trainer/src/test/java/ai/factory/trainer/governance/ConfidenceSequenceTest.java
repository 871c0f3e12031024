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
    void refusesSettingsThatMeanNothing() {
        assertThatThrownBy(() -> new ConfidenceSequence(0, 100)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new ConfidenceSequence(0.05, 1)).hasMessageContaining("minimum evidence");
        assertThat(test.confidence()).isEqualTo("95%");
    }
}
