package ai.factory.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.runtime.InferenceSession;
import ai.factory.trainer.runtime.TrainerSessions;
import org.junit.jupiter.api.Test;

/** Weights carried to another label scale serve the same scores (warm start and champion after a scale change). */
class LabelScalesTest {

    private static final SessionFactory SESSIONS = TrainerSessions.open(Device.CPU, 1);

    @Test
    void rescaledWeightsServeTheSameScoresUnderTheNewScale() throws Exception {
        ModelConfig logistic = ModelConfig.logistic(4, 3, 32).withTask(Task.REGRESSION);
        ModelConfig deep = ModelConfig.deep(4, 3, 32).withArchitecture(4, List.of(8)).withTask(Task.REGRESSION);
        ModelConfig wideDeep = ModelConfig.wideDeep(4, 3, 32).withArchitecture(4, List.of(8)).withTask(Task.REGRESSION);
        for (ModelConfig base : List.of(logistic, deep, wideDeep)) {
            ModelConfig from = base;                                // an old model: 0/1
            ModelConfig to = base.withLabelScale(15, 4);
            Map<String, FloatTensor> params = random(from, new Random(3));
            Batch probe = new SyntheticData(4, 3, 32, 1.0, 5).next(100).batch();
            float[] before = score(from, params, probe);
            float[] after = score(to, LabelScales.rescale(from, to, params), probe);
            for (int i = 0; i < before.length; i++) {
                assertThat(after[i]).as("%s row %d", base.kind().label(), i).isCloseTo(before[i], org.assertj.core.api.Assertions.within(1e-4f));
            }
            assertThat(LabelScales.rescale(to, to, params)).isSameAs(params);
        }
    }

    @Test
    void binaryWeightsCarriedToAnotherBaseRateServeTheSameProbabilities() throws Exception {
        ModelConfig none = ModelConfig.deep(4, 3, 32).withArchitecture(4, List.of(8));
        for (ModelConfig[] pair : new ModelConfig[][] {{none, none.withLabelScale(0.1, 1)},
                {none.withLabelScale(0.1, 1), none.withLabelScale(0.6, 1)}}) {
            Map<String, FloatTensor> params = random(pair[0], new Random(4));
            Batch probe = new SyntheticData(4, 3, 32, 1.0, 6).next(100).batch();
            float[] before = score(pair[0], params, probe);
            float[] after = score(pair[1], LabelScales.rescale(pair[0], pair[1], params), probe);
            for (int i = 0; i < before.length; i++) {
                assertThat(after[i]).as("row %d", i).isCloseTo(before[i], org.assertj.core.api.Assertions.within(1e-5f));
            }
        }
    }

    @Test
    void anUntrainedBinaryModelServesItsBaseRate() throws Exception {
        ModelConfig config = ModelConfig.logistic(4, 3, 32).withLabelScale(0.1, 1);
        Batch probe = new SyntheticData(4, 3, 32, 1.0, 7).next(50).batch();
        for (float p : score(config, TrainingState.initial(config).params(), probe)) {
            assertThat(p).isCloseTo(0.1f, org.assertj.core.api.Assertions.within(1e-6f));
        }
    }

    @Test
    void weightsOfAnotherTaskAreRefused() {
        ModelConfig binary = ModelConfig.logistic(4, 3, 32);
        assertThatThrownBy(() -> LabelScales.rescale(binary, binary.withTask(Task.REGRESSION), TrainingState.initial(binary).params()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] score(ModelConfig config, Map<String, FloatTensor> params, Batch batch) throws Exception {
        try (InferenceSession s = new InferenceSession(ModelGraphs.inference(config, params, Map.of()).toByteArray(), SESSIONS)) {
            return s.score(batch);
        }
    }

    private static Map<String, FloatTensor> random(ModelConfig config, Random random) {
        Map<String, FloatTensor> params = new LinkedHashMap<>();
        for (ParamSpec p : ModelDefinition.of(config).params()) {
            FloatTensor t = FloatTensor.zeros(p.shape());
            for (int i = 0; i < t.data().length; i++) {
                t.data()[i] = (float) (random.nextGaussian() * 0.5);
            }
            params.put(p.name(), t);
        }
        return params;
    }
}
