package ai.factory.trainer.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RollbackMonitorTest {

    private final ConfidenceSequence test = new ConfidenceSequence(0.05, 100);

    @Test
    void aChampionAsGoodAsItsPredecessorIsNeverRolledBack() {
        RollbackMonitor monitor = new RollbackMonitor(test, 0.05, Governance.DEFAULT_DRIFT_DELTA, Governance.DEFAULT_DRIFT_THRESHOLD);
        monitor.watch(5, 4);
        Random random = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            double base = 0.5 + random.nextGaussian() * 0.3;
            assertThat(monitor.add(base - 0.005 + random.nextGaussian() * 0.05, base)).isEmpty();
        }
    }

    /** The stated bound: a champion that turns 0.2 worse per example is rolled back within 400 examples of the turn. */
    @Test
    void aChampionThatTurnsWorseIsRolledBackWithinAFewHundredExamples() {
        RollbackMonitor monitor = new RollbackMonitor(test, 0.05, Governance.DEFAULT_DRIFT_DELTA, Governance.DEFAULT_DRIFT_THRESHOLD);
        monitor.watch(5, 4);
        Random random = new Random(2);
        for (int i = 0; i < 5_000; i++) {
            double base = 0.5 + random.nextGaussian() * 0.3;
            assertThat(monitor.add(base - 0.01 + random.nextGaussian() * 0.05, base)).isEmpty();
        }
        Optional<String> reason = Optional.empty();
        int after = 0;
        while (reason.isEmpty() && after < 10_000) {
            double base = 0.5 + random.nextGaussian() * 0.3;
            reason = monitor.add(base + 0.2 + random.nextGaussian() * 0.3, base);
            after++;
        }
        assertThat(reason).hasValueSatisfying(r -> assertThat(r).startsWith("automatic: v5 worse than v4").contains("drift alarm"));
        assertThat(after).isLessThanOrEqualTo(400);
    }

    @Test
    void aChampionWorseFromTheStartIsRolledBackWithoutWaitingForADrift() {
        RollbackMonitor monitor = new RollbackMonitor(test, 0.05, Governance.DEFAULT_DRIFT_DELTA, Governance.DEFAULT_DRIFT_THRESHOLD);
        monitor.watch(7, 6);
        Random random = new Random(3);
        Optional<String> reason = Optional.empty();
        int seen = 0;
        while (reason.isEmpty() && seen < 10_000) {
            double base = 0.5 + random.nextGaussian() * 0.3;
            reason = monitor.add(base + 0.1 + random.nextGaussian() * 0.2, base);
            seen++;
        }
        assertThat(reason).hasValueSatisfying(r -> assertThat(r).contains("since it took over"));
        assertThat(seen).isLessThanOrEqualTo(400);
    }

    @Test
    void aNewPairStartsAfresh() {
        RollbackMonitor monitor = new RollbackMonitor(test, 0.05, Governance.DEFAULT_DRIFT_DELTA, Governance.DEFAULT_DRIFT_THRESHOLD);
        monitor.watch(5, 4);
        for (int i = 0; i < 90; i++) {
            assertThat(monitor.add(1.0 + (i % 2) * 0.1, 0.0)).isEmpty();
        }
        monitor.watch(6, 5);
        Random random = new Random(4);
        for (int i = 0; i < 1_000; i++) {
            assertThat(monitor.add(0.5 - 0.01 + random.nextGaussian() * 0.05, 0.5)).as("the evidence against v5 is not v6's").isEmpty();
        }
    }
}
