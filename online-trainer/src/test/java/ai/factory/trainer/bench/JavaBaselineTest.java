package ai.factory.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import ai.factory.onnx.Device;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.TrainerSessions;
import ai.factory.trainer.runtime.TrainingSession;
import org.junit.jupiter.api.Test;

/** The benchmark's plain-Java baselines compute the same steps as the ONNX graphs (so the comparison is fair). */
class JavaBaselineTest {

    @Test
    void logisticJavaStepMatchesTheGraph() throws Exception {
        ModelConfig config = ModelConfig.logistic(5, 3, 32).withOptimizer(OptimizerKind.ADAGRAD, ModelConfig.ADAGRAD_LEARNING_RATE).withL2(0.01);
        compare(config, new JavaLogisticTrainer(config, TrainingState.initial(config)));
    }

    @Test
    void deepJavaStepMatchesTheGraph() throws Exception {
        ModelConfig config = ModelConfig.deep(5, 3, 32).withArchitecture(4, List.of(8)).withL2(0.01).withLearningRate(0.01);
        compare(config, new JavaDeepTrainer(config, TrainingState.initial(config)));
    }

    private static void compare(ModelConfig config, JavaTrainer java) throws Exception {
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 1.0, 3);
        try (TrainingSession session = TrainingSession.open(config, TrainerSessions.open(Device.CPU, 1))) {
            TrainingState state = TrainingState.initial(config);
            for (int i = 0; i < 5; i++) {
                var batch = data.next(40).batch();
                TrainingSession.StepResult ort = session.step(state, batch);
                double javaLoss = java.step(batch);
                assertThat(javaLoss).isCloseTo(ort.loss(), within(1e-5));
                state = ort.state();
            }
            Map<String, FloatTensor> expected = state.params();
            java.params().forEach((name, t) -> {
                float[] want = expected.get(name).data();
                assertThat(t.shape()).containsExactly(expected.get(name).shape());
                for (int i = 0; i < want.length; i++) {
                    assertThat(t.data()[i]).as("%s[%d]", name, i).isCloseTo(want[i], within(1e-4f));
                }
            });
        }
    }
}
