package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningCurveTest {

    @Test
    void pointsArePaneMeansUntilTheLimit() {
        LearningCurve curve = new LearningCurve(10, 4);
        for (int i = 0; i < 35; i++) {
            curve.add(i < 10 ? 1.0 : 0.5);
        }
        assertThat(curve.points()).extracting(LearningCurve.Point::examples).containsExactly(10L, 20L, 30L);
        assertThat(curve.points().get(0).meanLoss()).isEqualTo(1.0);
        assertThat(curve.points().get(1).meanLoss()).isEqualTo(0.5);
    }

    @Test
    void aLongRunMergesNeighboursAndKeepsEveryLossOnce() {
        LearningCurve curve = new LearningCurve(10, 4);
        int n = 10_000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            curve.add(i);
            sum += i;
        }
        assertThat(curve.points()).hasSizeLessThan(4);
        long covered = curve.points().stream().mapToLong(LearningCurve.Point::count).sum();
        double coveredSum = curve.points().stream().mapToDouble(LearningCurve.Point::lossSum).sum();
        long last = curve.points().get(curve.points().size() - 1).examples();
        assertThat(covered).isEqualTo(last);
        assertThat(coveredSum).isCloseTo((last - 1) * last / 2.0, within(1e-6));
        assertThat(sum).isGreaterThanOrEqualTo(coveredSum);
    }
}
