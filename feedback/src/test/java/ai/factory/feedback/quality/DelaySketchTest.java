package ai.factory.feedback.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class DelaySketchTest {

    @Test
    void quantilesAreAtMostTwoPercentAboveTheTrueValue() {
        Random random = new Random(3);
        DelaySketch sketch = new DelaySketch();
        long[] delays = new long[5000];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = (long) Math.exp(random.nextDouble() * Math.log(86_400_000L));
            sketch.add(delays[i]);
        }
        Arrays.sort(delays);
        for (double q : new double[] {0.01, 0.5, 0.9, 0.99, 1.0}) {
            long truth = delays[(int) Math.ceil(q * delays.length) - 1];
            assertThat(sketch.quantile(q)).as("q=%s", q).isBetween(truth, (long) (truth * DelaySketch.GROWTH) + 1);
        }
    }

    @Test
    void emptyAndNegativeDelaysReportZero() {
        DelaySketch sketch = new DelaySketch();
        assertThat(sketch.quantile(0.5)).isZero();
        sketch.add(-5);
        assertThat(sketch.quantile(0.99)).isZero();
    }
}
