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
}
