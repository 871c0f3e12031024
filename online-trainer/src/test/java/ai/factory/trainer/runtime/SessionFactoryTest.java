package ai.factory.trainer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;
import org.junit.jupiter.api.Test;

class SessionFactoryTest {

    @Test
    void parsesDevices() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.CPU);
        assertThat(Device.parse("CUDA")).isEqualTo(new Device(Device.Kind.CUDA, 0));
        assertThat(Device.parse("cuda:1")).isEqualTo(new Device(Device.Kind.CUDA, 1));
        assertThat(Device.parse("cuda:1").toString()).isEqualTo("cuda:1");
        assertThatThrownBy(() -> Device.parse("tpu")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Device.parse("cuda:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cudaFallsBackToTheCpuWhenTheProviderCannotLoad() throws Exception {
        // The CPU build of ONNX Runtime on a machine without a GPU: addCUDA throws, the session still opens.
        ModelConfig config = ModelConfig.deep(2, 2, 8).withArchitecture(2, List.of(4));
        byte[] onnx = ModelGraphs.inference(config, TrainingState.initial(config).params(), Map.of()).toByteArray();
        try (SessionFactory.Opened opened = SessionFactory.open(onnx, Device.parse("cuda:0"), 1)) {
            assertThat(opened.device()).isEqualTo(Device.CPU);
            assertThat(opened.session().getOutputNames()).containsExactly("score");
        }
    }
}
