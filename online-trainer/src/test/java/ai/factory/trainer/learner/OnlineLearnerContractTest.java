package ai.factory.trainer.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.bench.JavaTrainer;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.imported.ForeignModels;
import ai.factory.trainer.imported.ModelImport;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.InferenceSession;
import ai.factory.trainer.runtime.TrainerSessions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One contract for every learner: every model kind on ONNX Runtime and the plain-Java baselines. Learning lowers the
 * loss on a learnable stream; a step's scores are what {@code predict} gave just before it; {@code predict} serves what
 * the published inference graph serves for the same weights, and with given weights (a release's) what those serve;
 * {@code reset} takes a learner back to a given state.
 */
class OnlineLearnerContractTest {

    private static final SessionFactory SESSIONS = TrainerSessions.open(Device.CPU, 1);
    private static final int DENSE = 4;
    private static final int SPARSE = 2;
    private static final int BUCKETS = 16;

    /** How to open one learner from its initial state. */
    private interface Opening {
        OnlineLearner open() throws Exception;
    }

    static Stream<Named<Opening>> learners() {
        ModelConfig deep = ModelConfig.deep(DENSE, SPARSE, BUCKETS).withArchitecture(4, List.of(8)).withLearningRate(0.01);
        ModelConfig logisticAdagrad = ModelConfig.logistic(DENSE, SPARSE, BUCKETS)
                .withOptimizer(OptimizerKind.ADAGRAD, ModelConfig.ADAGRAD_LEARNING_RATE);
        return Stream.of(
                Named.of("logistic on ONNX Runtime", ort(ModelConfig.logistic(DENSE, SPARSE, BUCKETS))),
                Named.of("deep on ONNX Runtime", ort(deep)),
                Named.of("wide-deep on ONNX Runtime", ort(ModelConfig.wideDeep(DENSE, SPARSE, BUCKETS))),
                Named.of("imported on ONNX Runtime", imported()),
                Named.of("logistic in plain Java", () -> JavaTrainer.open(logisticAdagrad, TrainingState.initial(logisticAdagrad))),
                Named.of("deep in plain Java", () -> JavaTrainer.open(deep, TrainingState.initial(deep))));
    }

    @Test
    void everyModelKindIsAmongTheLearners() throws Exception {
        // A new kind joins the contract by one more line in learners().
        Set<ModelKind> kinds = EnumSet.noneOf(ModelKind.class);
        for (Named<Opening> named : learners().toList()) {
            try (OnlineLearner learner = named.getPayload().open()) {
                kinds.add(learner.config().kind());
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder(ModelKind.values());
    }

    @ParameterizedTest
    @MethodSource("learners")
    void learningLowersTheHoldoutLoss(Opening opening) throws Exception {
        SyntheticData data = new SyntheticData(DENSE, SPARSE, BUCKETS, 1.0, 5);
        SyntheticData.Sample holdout = data.next(2000);
        try (OnlineLearner learner = opening.open()) {
            double before = loss(learner, holdout.batch());
            double firstTraining = Double.NaN;
            double lastTraining = Double.NaN;
            for (int i = 0; i < 150; i++) {
                double l = learner.learn(data.next(64).batch()).losses()[0];
                firstTraining = i == 0 ? l : firstTraining;
                lastTraining = l;
            }
            double after = loss(learner, holdout.batch());
            assertThat(lastTraining).as("training loss falls").isLessThan(firstTraining);
            assertThat(after).as("hold-out log loss %.4f -> %.4f (optimum %.4f)", before, after, holdout.optimalLogLoss())
                    .isLessThan(before - 0.05);
        }
    }

    @ParameterizedTest
    @MethodSource("learners")
    void aStepScoresWhatPredictServedAndPredictServesWhatTheInferenceGraphServes(Opening opening) throws Exception {
        SyntheticData data = new SyntheticData(DENSE, SPARSE, BUCKETS, 1.0, 7);
        try (OnlineLearner learner = opening.open()) {
            for (int i = 0; i < 3; i++) {
                Batch batch = data.next(32).batch();
                float[] predicted = learner.predict(batch);
                assertThat(learner.learn(batch).scores().get(0)).containsExactly(predicted, within(1e-6f));
            }
            Batch unseen = data.next(32).batch();
            byte[] served = ModelGraphs.inference(learner.config(), learner.state().params(), Map.of()).toByteArray();
            try (InferenceSession inference = new InferenceSession(served, SESSIONS)) {
                assertThat(learner.predict(unseen)).containsExactly(inference.score(unseen), within(1e-5f));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("learners")
    void predictsWithGivenWeightsAndResetContinuesFromTheGivenState(Opening opening) throws Exception {
        SyntheticData data = new SyntheticData(DENSE, SPARSE, BUCKETS, 1.0, 9);
        List<Batch> batches = List.of(data.next(32).batch(), data.next(32).batch(), data.next(32).batch());
        try (OnlineLearner learner = opening.open()) {
            TrainingState start = learner.state();
            float[] before = learner.predict(batches.get(0));
            double[] once = learner.learn(batches).losses();
            float[] afterOnce = learner.predict(batches.get(0));
            assertThat(afterOnce).isNotEqualTo(before);
            assertThat(learner.predict(start.params(), batches.get(0))).as("a release's weights, not the live ones")
                    .containsExactly(before, within(0f));
            learner.reset(start);
            assertThat(learner.learn(batches).losses()).containsExactly(once, within(1e-9));
            assertThat(learner.predict(batches.get(0))).containsExactly(afterOnce, within(0f));
        }
    }

    private static double loss(OnlineLearner learner, Batch batch) throws Exception {
        float[] scores = learner.predict(batch);
        double sum = 0;
        for (int i = 0; i < batch.size(); i++) {
            sum += learner.config().task().loss(scores[i], batch.labels()[i]);
        }
        return sum / batch.size();
    }

    private static Opening ort(ModelConfig config) {
        return () -> OnlineLearner.open(config, SESSIONS, TrainingState.initial(config));
    }

    /** A logistic regression over the dense vector written as another tool writes one (Gemm, Sigmoid), imported. */
    private static Opening imported() {
        byte[] onnx = new ForeignModels().input("dense", DENSE)
                .weight("w", new long[] {DENSE, 1}, new float[DENSE]).weight("b", new long[] {1}, new float[1])
                .node("Gemm", List.of("dense", "w", "b"), "logit")
                .node("Sigmoid", List.of("logit"), "probability").output("probability", 1).bytes();
        OnnxWeights.Loaded model = ModelImport.read(onnx, "", ModelConfig.logistic(DENSE, SPARSE, BUCKETS), Set.of());
        return () -> OnlineLearner.open(model.config(), SESSIONS, TrainingState.warm(model.config(), model.params()));
    }
}
