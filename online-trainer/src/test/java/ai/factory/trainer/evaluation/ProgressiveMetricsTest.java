package ai.factory.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ProgressiveMetricsTest {

    @Test
    void aucEqualsTheShareOfCorrectlyOrderedPairs() {
        Random random = new Random(7);
        ProgressiveMetrics score = new ProgressiveMetrics();
        double[] s = new double[400];
        boolean[] y = new boolean[400];
        for (int i = 0; i < s.length; i++) {
            y[i] = random.nextDouble() < 0.3;
            // Coarse scores so ties occur and must count one half.
            s[i] = Math.round((random.nextGaussian() * 0.2 + (y[i] ? 0.6 : 0.4)) * 10) / 10.0;
            score.add(s[i], y[i] ? 1 : 0);
        }
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                if (y[i] && !y[j]) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(score.auc()).isCloseTo(wins / pairs, within(1e-12));
    }

    @Test
    void logLossAndAccuracyOfAConstantPredictor() {
        ProgressiveMetrics score = new ProgressiveMetrics();
        for (int i = 0; i < 1000; i++) {
            score.add(0.2, i % 5 == 0 ? 1 : 0);
        }
        double expected = -(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8));
        assertThat(score.logLoss()).isCloseTo(expected, within(1e-12));
        assertThat(score.accuracy()).isCloseTo(0.8, within(1e-12));
        assertThat(score.auc()).isCloseTo(0.5, within(1e-12));
        assertThat(score.constantLogLoss()).as("0.2 is the base rate, so the constant baseline is that predictor")
                .isCloseTo(expected, within(1e-12));
    }
}
