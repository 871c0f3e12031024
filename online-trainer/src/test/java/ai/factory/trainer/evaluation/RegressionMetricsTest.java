package ai.factory.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    @Test
    void judgesEveryLabelButTheFirstAgainstTheRunningMeanOfTheLabelsBeforeIt() {
        RegressionMetrics m = new RegressionMetrics();
        double[] scores = {9, 2, 5, 4};
        double[] labels = {1, 3, 5, 3};
        for (int i = 0; i < labels.length; i++) {
            m.add(scores[i], labels[i]);
        }
        // Judged: (2,3), (5,5), (4,3); running means before them: 1, 2, 3.
        assertThat(m.count()).isEqualTo(3);
        assertThat(m.rmse()).isCloseTo(Math.sqrt((1 + 0 + 1) / 3.0), within(1e-12));
        assertThat(m.mae()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.runningMeanRmse()).isCloseTo(Math.sqrt((4 + 9 + 0) / 3.0), within(1e-12));
        assertThat(m.runningMeanMae()).isCloseTo((2 + 3 + 0) / 3.0, within(1e-12));
    }

    @Test
    void nothingJudgedIsNotANumber() {
        RegressionMetrics m = new RegressionMetrics();
        m.add(1, 2);
        assertThat(m.count()).isZero();
        assertThat(m.rmse()).isNaN();
        assertThat(m.runningMeanMae()).isNaN();
    }
}
