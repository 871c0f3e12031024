package ai.factory.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.runtime.InferenceSession;
import ai.factory.trainer.runtime.TrainerSessions;
import ai.factory.trainer.runtime.TrainingSession;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Training-step and inference graphs of every model kind, run on ONNX Runtime (float32). */
class TrainingGraphTest {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingGraphTest.class);

    private static final SessionFactory SESSIONS = TrainerSessions.open(Device.CPU, 1);
    // Adagrad, whose known behaviour the graph's tests check (the trainer's default for logistic models is Adam).
    private static final ModelConfig LOGISTIC = ModelConfig.logistic(4, 3, 64)
            .withOptimizer(OptimizerKind.ADAGRAD, ModelConfig.ADAGRAD_LEARNING_RATE);
    private static final ModelConfig DEEP = ModelConfig.deep(4, 3, 64).withArchitecture(4, List.of(16, 8));
    private static final ModelConfig WIDE_DEEP = ModelConfig.wideDeep(4, 3, 64).withArchitecture(4, List.of(16, 8));

    @Test
    void inferenceGraphFollowsTheContract() throws Exception {
        for (ModelConfig config : List.of(LOGISTIC, DEEP, WIDE_DEEP)) {
            byte[] onnx = ModelGraphs.inference(config, TrainingState.initial(config).params(), Map.of()).toByteArray();
            try (InferenceSession session = new InferenceSession(onnx, SESSIONS)) {
                Map<String, NodeInfo> inputs = session.session().getInputInfo();
                assertThat(inputs).containsOnlyKeys("dense", "sparse");
                assertTensor(inputs.get("dense"), OnnxJavaType.FLOAT, -1, config.denseSize());
                assertTensor(inputs.get("sparse"), OnnxJavaType.INT64, -1, config.sparseWidth());
                Map<String, NodeInfo> outputs = session.session().getOutputInfo();
                assertThat(outputs).containsOnlyKeys("score", "explained", "baseline", "contributions");
                assertTensor(outputs.get("score"), OnnxJavaType.FLOAT, -1, 1);
            }
        }
    }

    @Test
    void exportedInferenceGraphScoresExactlyLikeTheTrainingForwardPass() throws Exception {
        for (ModelConfig config : List.of(LOGISTIC, DEEP, WIDE_DEEP)) {
            SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 1.0, 11);
            try (TrainingSession training = TrainingSession.open(config, SESSIONS)) {
                TrainingState state = TrainingState.initial(config);
                for (int i = 0; i < 20; i++) {
                    state = training.step(state, data.next(128).batch()).state();
                }
                Batch probe = data.next(300).batch();
                float[] fromTraining = training.step(state, probe).scores();
                byte[] onnx = ModelGraphs.inference(config, state.params(), Map.of()).toByteArray();
                try (InferenceSession inference = new InferenceSession(onnx, SESSIONS)) {
                    float[] fromInference = inference.score(probe);
                    assertThat(fromInference).as(config.kind().label()).containsExactly(fromTraining);
                    for (float s : fromInference) {
                        assertThat(s).as("scores are probabilities").isBetween(0f, 1f);
                    }
                }
            }
        }
    }

    @Test
    void aFixedSeedGivesIdenticalWeights() throws Exception {
        for (ModelConfig config : List.of(LOGISTIC, DEEP, WIDE_DEEP)) {
            TrainingState first = train(config, 7, 30);
            TrainingState second = train(config, 7, 30);
            assertThat(second.params()).as(config.kind().label()).isEqualTo(first.params());
            assertThat(second.optimizer()).isEqualTo(first.optimizer());
        }
        TrainingState otherSeed = train(DEEP.withSeed(43), 7, 30);
        assertThat(otherSeed.params()).isNotEqualTo(train(DEEP, 7, 30).params());
    }

    @Test
    void progressiveLogLossApproachesTheKnownOptimum() throws Exception {
        ModelConfig config = ModelConfig.logistic(4, 3, 50).withOptimizer(OptimizerKind.ADAGRAD, 0.2);
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 0.5, 2024);
        int batches = 3000;
        int batchSize = 64;
        double progressive = 0;
        double optimum = 0;
        try (TrainingSession training = TrainingSession.open(config, SESSIONS)) {
            TrainingState state = TrainingState.initial(config);
            for (int i = 0; i < batches; i++) {
                SyntheticData.Sample sample = data.next(batchSize);
                TrainingSession.StepResult step = training.step(state, sample.batch());
                // The scores come from the weights before this batch's update: a prediction on unseen data.
                for (int k = 0; k < batchSize; k++) {
                    progressive += Task.BINARY.loss(step.scores()[k], sample.batch().labels()[k]);
                }
                optimum += sample.optimalLogLoss() * batchSize;
                state = step.state();
            }
        }
        double n = (double) batches * batchSize;
        LOG.info("progressive log loss {} vs optimum {} over {} examples", progressive / n, optimum / n, (long) n);
        assertThat(progressive / n - optimum / n).isLessThan(0.005).isGreaterThan(0);
    }

    @Test
    void frozenParametersStayPutWhileTheHeadLearns() throws Exception {
        ModelConfig headOnly = DEEP.withFrozen(Set.of(DeepModel.EMBEDDING, "deep.layer0.", "deep.layer1."));
        TrainingState before = TrainingState.initial(headOnly);
        TrainingState after = train(headOnly, 3, 10);
        assertThat(after.params().get(DeepModel.EMBEDDING)).isEqualTo(before.params().get(DeepModel.EMBEDDING));
        assertThat(after.params().get("deep.layer1.w")).isEqualTo(before.params().get("deep.layer1.w"));
        assertThat(after.params().get(DeepModel.HEAD + "w")).isNotEqualTo(before.params().get(DeepModel.HEAD + "w"));
        assertThat(after.optimizer().keySet()).containsExactlyInAnyOrder(Adam.STEP,
                Adam.firstMoment(DeepModel.HEAD + "w"), Adam.secondMoment(DeepModel.HEAD + "w"),
                Adam.firstMoment(DeepModel.HEAD + "b"), Adam.secondMoment(DeepModel.HEAD + "b"));
    }

    @Test
    void wideDeepStartsAsTheLogisticModelAndLearnsBoth() throws Exception {
        SyntheticData data = new SyntheticData(4, 3, 64, 1.0, 5);
        Batch probe = data.next(200).batch();
        ModelConfig logistic = ModelConfig.logistic(4, 3, 64);
        try (InferenceSession wideDeep = new InferenceSession(ModelGraphs.inference(WIDE_DEEP,
                     TrainingState.initial(WIDE_DEEP).params(), Map.of()).toByteArray(), SESSIONS);
             InferenceSession plain = new InferenceSession(ModelGraphs.inference(logistic,
                     TrainingState.initial(logistic).params(), Map.of()).toByteArray(), SESSIONS)) {
            // The deep part's output weights start at zero: the untrained model scores like the untrained logistic one.
            assertThat(wideDeep.score(probe)).containsExactly(plain.score(probe));
        }
        TrainingState before = TrainingState.initial(WIDE_DEEP);
        TrainingState after = train(WIDE_DEEP, 3, 10);
        for (String name : List.of(WideDeepModel.WIDE_SPARSE_WEIGHTS, WideDeepModel.WIDE_DENSE_WEIGHTS, WideDeepModel.EMBEDDING,
                "deep.layer0.w", WideDeepModel.HEAD_WEIGHTS, WideDeepModel.PAIRS_WEIGHT)) {
            assertThat(after.params().get(name)).as(name).isNotEqualTo(before.params().get(name));
        }
    }

    @Test
    void wideDeepTrainsItsPartsAtTheirOwnRates() throws Exception {
        // One Adam step moves each weight with a gradient by about its rate: the wide part's 0.01, the deep part's 0.001.
        // The deep part's zero output weights pass no gradient to its hidden layers in the first step.
        ModelConfig config = WIDE_DEEP.withLearningRate(0.01).withDeepLearningRate(0.001).withL2(0);
        TrainingState before = TrainingState.initial(config);
        TrainingState after = train(config, 3, 1);
        assertThat(largestChange(before, after, WideDeepModel.WIDE_DENSE_WEIGHTS)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(largestChange(before, after, WideDeepModel.HEAD_WEIGHTS)).isCloseTo(0.001, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(largestChange(before, after, WideDeepModel.PAIRS_WEIGHT)).isCloseTo(0.001, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(largestChange(before, after, "deep.layer0.w")).isZero();
    }

    @Test
    void wideDeepAddsTheDotProductOfEveryTwoSlotsEmbeddings() throws Exception {
        ModelConfig config = ModelConfig.wideDeep(1, 3, 4).withArchitecture(2, List.of(4));
        Map<String, FloatTensor> params = new java.util.LinkedHashMap<>(TrainingState.initial(config).params());
        float[][] rows = {{0.5f, -1f}, {2f, 0.25f}, {-0.75f, 1.5f}, {1f, 1f}};
        float[] table = new float[8];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, table, 2 * i, 2);
        }
        params.put(WideDeepModel.EMBEDDING, new FloatTensor(new long[] {4, 2}, table));
        params.put(WideDeepModel.PAIRS_WEIGHT, FloatTensor.filled(1f, 1, 1)); // only the interactions speak
        long[] ids = {0, 1, 2, 3, 3, 1};
        Batch probe = new Batch(2, 1, 3, new float[] {0.5f, -0.5f}, ids, new float[2]);
        try (InferenceSession session = new InferenceSession(ModelGraphs.inference(config, params, Map.of()).toByteArray(), SESSIONS)) {
            float[] scores = session.score(probe);
            for (int n = 0; n < 2; n++) {
                double pairs = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = i + 1; j < 3; j++) {
                        float[] a = rows[(int) ids[3 * n + i]];
                        float[] b = rows[(int) ids[3 * n + j]];
                        pairs += a[0] * b[0] + a[1] * b[1];
                    }
                }
                assertThat((double) scores[n]).as("row " + n).isCloseTo(1 / (1 + Math.exp(-pairs)), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void wideDeepLooksIdsUpInABoundedEmbeddingTableModuloItsRows() throws Exception {
        int rows = WideDeepModel.MAX_EMBEDDING_ROWS;
        ModelConfig config = ModelConfig.wideDeep(1, 1, 2 * rows).withArchitecture(2, List.of(4));
        assertThat(ModelDefinition.of(config).params()).filteredOn(p -> p.name().equals(WideDeepModel.EMBEDDING))
                .singleElement().satisfies(p -> assertThat(p.shape()).containsExactly(rows, 2));
        Map<String, FloatTensor> params = new java.util.LinkedHashMap<>(TrainingState.initial(config).params());
        params.put(WideDeepModel.HEAD_WEIGHTS, FloatTensor.filled(1f, 4, 1));            // the deep part speaks
        params.put(WideDeepModel.WIDE_SPARSE_WEIGHTS, FloatTensor.filled(0f, 2L * rows, 1)); // the wide part does not
        long[] ids = {5, 5 + rows, 6};
        Batch probe = new Batch(3, 1, 1, new float[] {0.5f, 0.5f, 0.5f}, ids, new float[3]);
        try (InferenceSession session = new InferenceSession(ModelGraphs.inference(config, params, Map.of()).toByteArray(), SESSIONS)) {
            float[] scores = session.score(probe);
            assertThat(scores[1]).as("ids equal modulo the rows share an embedding").isEqualTo(scores[0]);
            assertThat(scores[2]).isNotEqualTo(scores[0]);
        }
        assertThat(train(config, 4, 5).isFinite()).isTrue();
    }

    @Test
    void freezingTheDeepPartLeavesTheLogisticModel() throws Exception {
        ModelConfig logistic = ModelConfig.logistic(4, 3, 64);
        ModelConfig wideOnly = WIDE_DEEP.withLearningRate(logistic.learningRate()).withFrozen(Set.of(WideDeepModel.DEEP));
        TrainingState wide = train(wideOnly, 9, 20);
        TrainingState plain = train(logistic, 9, 20);
        assertThat(wide.params().get(WideDeepModel.WIDE_SPARSE_WEIGHTS)).isEqualTo(plain.params().get(LogisticModel.SPARSE_WEIGHTS));
        assertThat(wide.params().get(WideDeepModel.WIDE_DENSE_WEIGHTS)).isEqualTo(plain.params().get(LogisticModel.DENSE_WEIGHTS));
        assertThat(wide.params().get(WideDeepModel.BIAS)).isEqualTo(plain.params().get(LogisticModel.BIAS));
    }

    private static double largestChange(TrainingState before, TrainingState after, String name) {
        float[] a = before.params().get(name).data();
        float[] b = after.params().get(name).data();
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            largest = Math.max(largest, Math.abs(b[i] - a[i]));
        }
        return largest;
    }

    @Test
    void aHugeLearningRateMakesWeightsNonFinite() throws Exception {
        ModelConfig config = LOGISTIC.withLearningRate(Double.POSITIVE_INFINITY);
        assertThat(train(config, 5, 3).isFinite()).isFalse();
        assertThat(train(LOGISTIC, 5, 3).isFinite()).isTrue();
    }

    private static TrainingState train(ModelConfig config, long dataSeed, int steps) throws Exception {
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 1.0, dataSeed);
        try (TrainingSession training = TrainingSession.open(config, SESSIONS)) {
            TrainingState state = TrainingState.initial(config);
            for (int i = 0; i < steps; i++) {
                state = training.step(state, data.next(64).batch()).state();
            }
            return state;
        }
    }

    private static void assertTensor(NodeInfo info, OnnxJavaType type, long... shape) {
        TensorInfo t = (TensorInfo) info.getInfo();
        assertThat(t.type).isEqualTo(type);
        assertThat(t.getShape()).containsExactly(shape);
    }
}
