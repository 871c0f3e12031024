package ai.factory.feedback.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import ai.factory.records.PairedQuality;
import ai.factory.records.QualityTask;
import org.junit.jupiter.api.Test;

/** The running paired tally against a direct two-pass computation over the same events. */
class PairedLossesTest {

    @Test
    void oneEventHasNoVariance() {
        PairedLosses one = PairedLosses.empty().add(new PairedOutcome("m", 3, 2, 0.5, 0.5, 1, 7), QualityTask.BINARY);
        assertThat(one.count()).isEqualTo(1);
        assertThat(one.differenceMean()).isZero();
        assertThat(one.differenceVariance()).isZero();
        assertThat(one.report().getLoss()).isEqualTo(PairedLosses.LOG_LOSS);
    }

    @Test
    void regressionTalliesSquaredErrorsAndMatchesTwoPasses() {
        Random random = new Random(17);
        int n = 10_000;
        double[] differences = new double[n];
        double championSum = 0;
        double challengerSum = 0;
        PairedLosses tally = PairedLosses.empty();
        for (int i = 0; i < n; i++) {
            double label = random.nextGaussian() * 10 + 100;
            double champion = label + random.nextGaussian();
            double challenger = label + random.nextGaussian() * 0.9;
            double a = (champion - label) * (champion - label);
            double b = (challenger - label) * (challenger - label);
            championSum += a;
            challengerSum += b;
            differences[i] = b - a;
            tally = tally.add(new PairedOutcome("r", 5, 4, champion, challenger, label, 1000L + i), QualityTask.REGRESSION);
        }
        double mean = 0;
        for (double d : differences) {
            mean += d;
        }
        mean /= n;
        double squares = 0;
        for (double d : differences) {
            squares += (d - mean) * (d - mean);
        }
        PairedQuality report = new PairedLossesSerde().deserialize("t", new PairedLossesSerde().serialize("t", tally)).report();
        assertThat(report.getLoss()).isEqualTo(PairedLosses.SQUARED_ERROR);
        assertThat(report.getCount()).isEqualTo(n);
        assertThat(report.getChallengerVersion()).isEqualTo(5);
        assertThat(report.getChampionVersion()).isEqualTo(4);
        assertThat(report.getChampionLoss()).isCloseTo(championSum / n, within(1e-9));
        assertThat(report.getChallengerLoss()).isCloseTo(challengerSum / n, within(1e-9));
        assertThat(report.getMeanLossDifference()).isCloseTo(mean, within(1e-9));
        assertThat(report.getLossDifferenceVariance()).isCloseTo(squares / (n - 1), within(1e-9));
        assertThat(report.getLastEventTime().toEpochMilli()).isEqualTo(1000L + n - 1);
    }

    @Test
    void pairedOutcomesRoundTrip() {
        PairedOutcome outcome = new PairedOutcome("m", 9, 8, 0.25, 0.75, 1.0, 123L);
        PairedOutcomeSerde serde = new PairedOutcomeSerde();
        assertThat(serde.deserialize("t", serde.serialize("t", outcome))).isEqualTo(outcome);
        assertThat(outcome.pairKey()).isEqualTo("m/9/8");
    }
}
