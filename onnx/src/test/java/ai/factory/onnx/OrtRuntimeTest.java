package ai.factory.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrtRuntimeTest {

    @Test
    void startingOnnxRuntimeLeavesNothingInTheTempFolder() {
        assertThat(OrtRuntime.environment()).isNotNull();
        assertThat(OrtRuntime.telemetryTrace()).as("ONNX Runtime's empty telemetry trace").doesNotExist();
    }
}
