package ai.factory.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import ai.factory.onnx.Device;
import org.junit.jupiter.api.Test;

/** Command-line values of the trainer that go into its options. */
class TrainerMainTest {

    private static Map<String, String> required() {
        Map<String, String> a = new HashMap<>();
        a.put("bootstrap", "k:9092");
        a.put("model", "delay");
        a.put("spec", "flights");
        a.put("dense-size", "8");
        a.put("sparse-width", "6");
        return a;
    }

    @Test
    void oneStepPerRunByDefaultAndKWhenAskedFor() {
        TrainerOptions defaults = TrainerMain.options(required());
        assertThat(defaults.stepsPerRun()).isEqualTo(1);
        assertThat(defaults.device()).isEqualTo(Device.CPU);

        Map<String, String> a = required();
        a.put("steps-per-run", "8");
        a.put("batch-size", "256");
        a.put("device", "cuda:1");
        TrainerOptions options = TrainerMain.options(a);
        assertThat(options.stepsPerRun()).isEqualTo(8);
        assertThat(options.batchSize()).isEqualTo(256);
        assertThat(options.device()).isEqualTo(Device.cuda(1));
    }

    @Test
    void zeroStepsPerRunIsRefused() {
        Map<String, String> a = required();
        a.put("steps-per-run", "0");
        assertThatThrownBy(() -> TrainerMain.options(a)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void labelMeanAndStdScaleARegressionModel() {
        Map<String, String> a = required();
        a.put("task", "regression");
        a.put("label-mean", "15.5");
        a.put("label-std", "4");
        TrainerOptions options = TrainerMain.options(a);
        assertThat(options.model().labelMean()).isEqualTo(15.5);
        assertThat(options.model().labelStd()).isEqualTo(4);

        a.remove("label-mean");
        a.remove("label-std");
        assertThat(TrainerMain.options(a).model().labelMean()).isZero();
        assertThat(TrainerMain.options(a).model().labelStd()).isOne();
    }

    @Test
    void anUnusableLabelStdIsRefusedWithTheOptionsName() {
        for (String std : new String[] {"0", "-1", "NaN", "Infinity", "four"}) {
            Map<String, String> a = required();
            a.put("task", "regression");
            a.put("label-std", std);
            assertThatThrownBy(() -> TrainerMain.options(a)).as(std)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--label-std");
        }
    }

    @Test
    void aBinaryModelTakesTheLabelMeanAsItsBaseRateAndIgnoresTheStd() {
        Map<String, String> a = required();
        a.put("label-mean", "0.2");
        a.put("label-std", "4");
        TrainerOptions options = TrainerMain.options(a);
        assertThat(options.model().labelMean()).isEqualTo(0.2);
        assertThat(options.model().labelStd()).isOne();
        a.put("label-mean", "15");
        assertThatThrownBy(() -> TrainerMain.options(a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base rate");
    }
}
