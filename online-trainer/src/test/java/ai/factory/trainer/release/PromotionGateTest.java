package ai.factory.trainer.release;

import static org.assertj.core.api.Assertions.assertThat;

import ai.factory.records.ReleaseStatus;
import org.junit.jupiter.api.Test;

class PromotionGateTest {

    private final PromotionGate gate = new PromotionGate(0.01);

    @Test
    void nonFiniteWeightsAreRejectedWhateverTheLoss() {
        assertThat(gate.decide(false, 0.1, 0.5, 100).status()).isEqualTo(ReleaseStatus.REJECTED);
        assertThat(gate.decide(true, Double.NaN, 0.5, 100).status()).isEqualTo(ReleaseStatus.REJECTED);
    }

    @Test
    void promotesWithinToleranceOfTheChampionOnly() {
        assertThat(gate.decide(true, 0.505, 0.5, 100).status()).isEqualTo(ReleaseStatus.CHAMPION);
        PromotionGate.Decision worse = gate.decide(true, 0.52, 0.5, 100);
        assertThat(worse.status()).isEqualTo(ReleaseStatus.CANDIDATE);
        assertThat(worse.reason()).contains("0.52000", "0.50000");
    }

    @Test
    void withoutAChampionTheFirstFiniteReleaseServesEvenBeforeItCanBeJudged() {
        assertThat(gate.decide(true, 0.6, null, 10).status()).isEqualTo(ReleaseStatus.CHAMPION);
        PromotionGate.Decision unjudged = gate.decide(true, Double.NaN, null, 0);
        assertThat(unjudged.status()).isEqualTo(ReleaseStatus.CHAMPION);
        assertThat(unjudged.reason()).contains("no champion");
        assertThat(gate.decide(false, Double.NaN, null, 0).status()).isEqualTo(ReleaseStatus.REJECTED);
    }

    @Test
    void withAChampionAnUnjudgedReleaseWaits() {
        PromotionGate.Decision waits = gate.decide(true, Double.NaN, Double.NaN, 0);
        assertThat(waits.status()).isEqualTo(ReleaseStatus.CANDIDATE);
        assertThat(waits.reason()).contains("no unseen examples");
    }
}
