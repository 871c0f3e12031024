package ai.factory.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import ai.factory.onnx.Device;
import ai.factory.trainer.learner.OnlineLearner;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.TrainerSessions;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's plain-Java learners compute the same steps as the ONNX Runtime learner (so the comparison is fair):
 * the same losses and scores before each update, the same weights and optimizer state after, the same predictions.
 */
class JavaBaselineTest {

    @Test
    void logisticJavaLearnerMatchesTheGraph() throws Exception {
        ModelConfig config = ModelConfig.logistic(5, 3, 32).withOptimizer(OptimizerKind.ADAGRAD, ModelConfig.ADAGRAD_LEARNING_RATE).withL2(0.01);
        compare(config, new JavaLogisticTrainer(config, TrainingState.initial(config)));
    }

    @Test
    void deepJavaLearnerMatchesTheGraph() throws Exception {
        ModelConfig config = ModelConfig.deep(5, 3, 32).withArchitecture(4, List.of(8)).withL2(0.01).withLearningRate(0.01);
        compare(config, new JavaDeepTrainer(config, TrainingState.initial(config)));
    }

    @Test
    void refusesWhatItDoesNotImplement() {
        ModelConfig adam = ModelConfig.logistic(5, 3, 32);
        assertThatThrownBy(() -> JavaTrainer.open(adam, TrainingState.initial(adam))).hasMessageContaining("ADAGRAD");
        ModelConfig wideDeep = ModelConfig.wideDeep(5, 3, 32);
        assertThatThrownBy(() -> JavaTrainer.open(wideDeep, TrainingState.initial(wideDeep))).hasMessageContaining("wide-deep");
    }

    private static void compare(ModelConfig config, OnlineLearner java) throws Exception {
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 1.0, 3);
        try (OnlineLearner ort = OnlineLearner.open(config, TrainerSessions.open(Device.CPU, 1), TrainingState.initial(config))) {
            for (int i = 0; i < 5; i++) {
                Batch batch = data.next(40).batch();
                OnlineLearner.Learnt want = ort.learn(batch);
                OnlineLearner.Learnt got = java.learn(batch);
                assertThat(got.losses()[0]).isCloseTo(want.losses()[0], within(1e-5));
                assertThat(got.scores().get(0)).containsExactly(want.scores().get(0), within(1e-5f));
            }
            assertSameTensors(java.state().params(), ort.state().params());
            assertSameTensors(java.state().optimizer(), ort.state().optimizer());
            Batch unseen = data.next(40).batch();
            assertThat(java.predict(unseen)).containsExactly(ort.predict(unseen), within(1e-5f));
        }
    }

    private static void assertSameTensors(Map<String, FloatTensor> actual, Map<String, FloatTensor> expected) {
        assertThat(actual).containsOnlyKeys(expected.keySet());
        actual.forEach((name, t) -> {
            float[] want = expected.get(name).data();
            assertThat(t.shape()).as(name).containsExactly(expected.get(name).shape());
            for (int i = 0; i < want.length; i++) {
                // Relative for the second moments and accumulators, which are squares of small gradients.
                assertThat(t.data()[i]).as("%s[%d]", name, i).isCloseTo(want[i], within(1e-4f + 1e-3f * Math.abs(want[i])));
            }
        });
    }
}
