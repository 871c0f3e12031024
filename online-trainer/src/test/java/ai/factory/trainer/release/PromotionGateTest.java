package ai.factory.trainer.release;

import static org.assertj.core.api.Assertions.assertThat;

import ai.factory.records.ReleaseStatus;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.Task;
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

    @Test
    void forRegressionTheToleranceIsInStandardisedUnits() {
        ModelConfig quakes = ModelConfig.logistic(4, 1, 16).withTask(Task.REGRESSION).withLabelScale(3, 0.5);
        ModelConfig temperatures = quakes.withLabelScale(15, 4);
        // Magnitudes (variance 0.25): 0.002 worse is 0.008 standardised, 0.003 worse is 0.012.
        PromotionGate small = PromotionGate.forModel(0.01, quakes, true);
        assertThat(small.decide(true, 0.302, 0.3, 100).status()).isEqualTo(ReleaseStatus.CHAMPION);
        assertThat(small.decide(true, 0.303, 0.3, 100).status()).isEqualTo(ReleaseStatus.CANDIDATE);
        // Temperatures (variance 16): the same tolerance allows 16 times the squared error.
        PromotionGate hot = PromotionGate.forModel(0.01, temperatures, true);
        assertThat(hot.lossUnit()).isEqualTo(16);
        assertThat(hot.decide(true, 2.15, 2.0, 100).status()).isEqualTo(ReleaseStatus.CHAMPION);   // 0.15 / 16 <= 0.01
        PromotionGate.Decision worse = hot.decide(true, 2.2, 2.0, 100);                           // 0.2 / 16 > 0.01
        assertThat(worse.status()).isEqualTo(ReleaseStatus.CANDIDATE);
        assertThat(worse.reason()).contains("2.20000", "2.00000", "label variance 16");
        // In raw label units a 0.15 worsening would have been refused by a tolerance of 0.01.
        assertThat(new PromotionGate(0.01).decide(true, 2.15, 2.0, 100).status()).isEqualTo(ReleaseStatus.CANDIDATE);
    }

    @Test
    void binaryLossesAreComparedAsBefore() {
        PromotionGate binary = PromotionGate.forModel(0.01, ModelConfig.logistic(4, 1, 16), true);
        assertThat(binary).isEqualTo(gate);
        assertThat(binary.decide(true, 0.52, 0.5, 100).reason()).contains("tolerance 0.01000 on");
    }

    @Test
    void asAFilterItPassesCandidatesToTheOnlineTestAndRejectsTheRest() {
        PromotionGate filter = new PromotionGate(0.01, 1, false);
        PromotionGate.Decision passed = filter.decide(true, 0.50, 0.50, 500);
        assertThat(passed.status()).isEqualTo(ReleaseStatus.CANDIDATE);
        assertThat(passed.reason()).contains("promoted only on online evidence");
        assertThat(filter.decide(true, 0.52, 0.50, 500).status()).isEqualTo(ReleaseStatus.REJECTED);
        assertThat(filter.decide(true, 0.50, null, 0).status()).as("the first release serves at once").isEqualTo(ReleaseStatus.CHAMPION);
        assertThat(filter.decide(false, 0.50, 0.50, 500).status()).isEqualTo(ReleaseStatus.REJECTED);
    }
}
