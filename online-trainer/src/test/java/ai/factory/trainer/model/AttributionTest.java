package ai.factory.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.runtime.InferenceSession;
import ai.factory.trainer.runtime.TrainerSessions;
import ai.factory.trainer.runtime.TrainingSession;
import org.junit.jupiter.api.Test;

/** The explanation branch of the inference graph, run on ONNX Runtime against the weights it explains. */
class AttributionTest {

    private static final SessionFactory SESSIONS = TrainerSessions.open(Device.CPU, 1);
    private static final int DENSE = 4;
    private static final int SPARSE = 3;
    private static final int BUCKETS = 64;
    /** Deep completeness: |baseline + sum of parts - output| within this many logits (the path has 16 steps). */
    private static final double DEEP_COMPLETENESS = 0.02;

    @Test
    void logisticPartsAreWeightTimesValueAndAddUpToTheServedLogit() throws Exception {
        ModelConfig config = ModelConfig.logistic(DENSE, SPARSE, BUCKETS).withLabelScale(0.2, 1);
        TrainingState state = trained(config);
        Batch probe = probe(config);
        try (InferenceSession session = session(config, state)) {
            InferenceSession.Explained e = session.explain(probe);
            float[] scores = session.score(probe);
            float[] sparseW = state.params().get(LogisticModel.SPARSE_WEIGHTS).data();
            float[] denseW = state.params().get(LogisticModel.DENSE_WEIGHTS).data();
            float bias = state.params().get(LogisticModel.BIAS).data()[0];
            assertThat(e.baseline()).isCloseTo((float) (bias + config.logitOffset()), within(1e-6f));
            for (int i = 0; i < probe.size(); i++) {
                double sum = e.baseline();
                for (int j = 0; j < DENSE; j++) {
                    float expected = denseW[j] * probe.dense()[i * DENSE + j];
                    assertThat(part(e, i, j)).isCloseTo(expected, within(1e-6f));
                    sum += part(e, i, j);
                }
                for (int j = 0; j < SPARSE; j++) {
                    float expected = sparseW[(int) probe.sparse()[i * SPARSE + j]];
                    assertThat(part(e, i, DENSE + j)).isCloseTo(expected, within(1e-6f));
                    sum += part(e, i, DENSE + j);
                }
                assertThat(sum).as("baseline + parts = explained output").isCloseTo(e.explained()[i], within(1e-5));
                double logit = Math.log(scores[i] / (1.0 - scores[i]));
                assertThat(sum).as("= the served score's logit").isCloseTo(logit, within(1e-4));
            }
        }
    }

    @Test
    void deepPartsAreCompleteWithinTheStatedTolerance() throws Exception {
        assertComplete(ModelConfig.deep(DENSE, SPARSE, BUCKETS).withArchitecture(4, List.of(16, 8)).withLabelScale(0.2, 1));
    }

    @Test
    void wideDeepPartsAreCompleteWithinTheStatedTolerance() throws Exception {
        assertComplete(ModelConfig.wideDeep(DENSE, SPARSE, BUCKETS).withArchitecture(4, List.of(16, 8)).withLabelScale(0.2, 1));
    }

    @Test
    void anUntrainedDeepPartLeavesTheLogisticExplanation() throws Exception {
        // The deep part's output weights start at zero, so only the wide part explains: weight x value, exactly.
        ModelConfig config = ModelConfig.wideDeep(DENSE, SPARSE, BUCKETS).withArchitecture(4, List.of(8)).withLabelScale(0.2, 1)
                .withFrozen(java.util.Set.of(WideDeepModel.DEEP));
        TrainingState state = trained(config);
        Batch probe = probe(config);
        try (InferenceSession session = session(config, state)) {
            InferenceSession.Explained e = session.explain(probe);
            float[] sparseW = state.params().get(WideDeepModel.WIDE_SPARSE_WEIGHTS).data();
            float[] denseW = state.params().get(WideDeepModel.WIDE_DENSE_WEIGHTS).data();
            for (int i = 0; i < probe.size(); i++) {
                for (int j = 0; j < DENSE; j++) {
                    assertThat(part(e, i, j)).isCloseTo(denseW[j] * probe.dense()[i * DENSE + j], within(1e-6f));
                }
                for (int j = 0; j < SPARSE; j++) {
                    assertThat(part(e, i, DENSE + j)).isCloseTo(sparseW[(int) probe.sparse()[i * SPARSE + j]], within(1e-6f));
                }
                assertThat(baselinePlusParts(e, i)).isCloseTo(e.explained()[i], within(1e-5));
            }
        }
    }

    private static void assertComplete(ModelConfig config) throws Exception {
        assertThat(Attribution.method(config)).isEqualTo("integrated-gradients/16");
        TrainingState state = trained(config);
        Batch probe = probe(config);
        try (InferenceSession session = session(config, state)) {
            InferenceSession.Explained e = session.explain(probe);
            float[] scores = session.score(probe);
            double worst = 0;
            double spread = 0;
            for (int i = 0; i < probe.size(); i++) {
                double sum = baselinePlusParts(e, i);
                double logit = Math.log(scores[i] / (1.0 - scores[i]));
                assertThat(e.explained()[i]).isCloseTo((float) logit, within(1e-4f));
                worst = Math.max(worst, Math.abs(sum - e.explained()[i]));
                spread = Math.max(spread, Math.abs(e.explained()[i] - e.baseline()));
            }
            assertThat(spread).as("the model moved away from its baseline, so completeness says something").isGreaterThan(0.1);
            assertThat(worst).as("completeness gap").isLessThan(DEEP_COMPLETENESS);
        }
    }

    @Test
    void regressionPartsAreInLabelUnits() throws Exception {
        ModelConfig config = ModelConfig.logistic(DENSE, SPARSE, BUCKETS).withTask(Task.REGRESSION).withLabelScale(50, 10);
        TrainingState state = trained(config);
        Batch probe = probe(config);
        try (InferenceSession session = session(config, state)) {
            InferenceSession.Explained e = session.explain(probe);
            float[] scores = session.score(probe);
            float[] denseW = state.params().get(LogisticModel.DENSE_WEIGHTS).data();
            assertThat(part(e, 0, 1)).isCloseTo(10 * denseW[1] * probe.dense()[1], within(1e-4f));
            for (int i = 0; i < probe.size(); i++) {
                double sum = baselinePlusParts(e, i);
                assertThat(sum).isCloseTo(scores[i], within(1e-3));
            }
        }
    }

    @Test
    void unfedTheGraphOnlyScores() throws Exception {
        ModelConfig config = ModelConfig.deep(DENSE, SPARSE, BUCKETS);
        byte[] onnx = ModelGraphs.inference(config, TrainingState.initial(config).params(), Map.of()).toByteArray();
        try (InferenceSession session = new InferenceSession(onnx, SESSIONS)) {
            assertThat(session.session().getInputInfo()).containsOnlyKeys(ModelGraphs.DENSE, ModelGraphs.SPARSE);
            assertThat(session.score(probe(config))).hasSize(50);
            assertThatThrownBy(() -> session.explain(probe(config))).isInstanceOf(IllegalStateException.class);
        }
    }

    private static double baselinePlusParts(InferenceSession.Explained e, int row) {
        double sum = e.baseline();
        for (int j = 0; j < e.slots(); j++) {
            sum += part(e, row, j);
        }
        return sum;
    }

    private static float part(InferenceSession.Explained e, int row, int slot) {
        return e.parts()[row * e.slots() + slot];
    }

    private static TrainingState trained(ModelConfig config) throws Exception {
        SyntheticData data = new SyntheticData(DENSE, SPARSE, BUCKETS, 1.0, 5);
        try (TrainingSession training = TrainingSession.open(config, SESSIONS)) {
            TrainingState state = TrainingState.initial(config);
            for (int i = 0; i < 40; i++) {
                Batch b = data.next(128).batch();
                if (config.task() == Task.REGRESSION) {
                    float[] y = b.labels().clone();
                    for (int k = 0; k < y.length; k++) {
                        y[k] = 40 + 20 * y[k];
                    }
                    b = new Batch(b.size(), b.denseSize(), b.sparseWidth(), b.dense(), b.sparse(), y);
                }
                state = training.step(state, b).state();
            }
            return state;
        }
    }

    private static Batch probe(ModelConfig config) {
        return new SyntheticData(DENSE, SPARSE, BUCKETS, 1.0, 99).next(50).batch();
    }

    private static InferenceSession session(ModelConfig config, TrainingState state) throws Exception {
        return new InferenceSession(ModelGraphs.inference(config, state.params(), Map.of()).toByteArray(), SESSIONS, true);
    }
}
