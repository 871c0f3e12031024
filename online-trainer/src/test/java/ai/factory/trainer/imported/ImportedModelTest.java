package ai.factory.trainer.imported;

import static ai.factory.trainer.imported.ForeignModels.ints;
import static ai.factory.trainer.imported.ForeignModels.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.InferenceSession;
import ai.factory.trainer.runtime.TrainerSessions;
import ai.factory.trainer.runtime.TrainingSession;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

/**
 * A two-class model written as another tool writes one (features in one float input, Gemm, Softmax over the classes),
 * imported through a mapping and run on ONNX Runtime: it serves what the original serves, its explanations add up, and
 * it fine-tunes with a frozen weight left exactly as it was.
 */
class ImportedModelTest {

    private static final SessionFactory SESSIONS = TrainerSessions.open(Device.CPU, 1);
    /** The spec: two dense values, three hashed ids of 16. */
    private static final ModelConfig SPEC = ModelConfig.logistic(2, 3, 16);
    /** The original's four features: both dense values and the indicators of ids 5 and 7. */
    private static final String MAPPING = "input.features = dense:1, dense:0, sparse:5, sparse:7\noutput = probability\n";
    private static final float[] W = {0.8f, -0.8f, -0.5f, 0.5f, 1.2f, -1.2f, -0.3f, 0.3f}; // [4, 2]: feature x class
    private static final float[] B = {0.1f, -0.1f};

    private static byte[] original() {
        return new ForeignModels().input("features", 4)
                .weight("linear.weight", new long[] {4, 2}, W).weight("linear.bias", new long[] {2}, B)
                .node("Gemm", names("features", "linear.weight", "linear.bias"), "logits")
                .node("Softmax", names("logits"), "probability", ints("axis", 1)).output("probability", 2).bytes();
    }

    /** The same model with its output named by a last Identity node, as Tribuo's ONNX export writes it. */
    private static byte[] namedByIdentity() {
        return new ForeignModels().input("features", 4)
                .weight("linear.weight", new long[] {4, 2}, W).weight("linear.bias", new long[] {2}, B)
                .node("Gemm", names("features", "linear.weight", "linear.bias"), "logits")
                .node("Softmax", names("logits"), "softmax", ints("axis", 1))
                .node("Identity", names("softmax"), "probability").output("probability", 2).bytes();
    }

    /** Rows of the spec's vectors; ids 5 and 7 appear in some rows, repeated in one. */
    private static Batch batch() {
        float[] dense = {0.5f, -1f, 2f, 0.25f, -0.5f, 1.5f, 0f, 0f};
        long[] sparse = {5, 1, 2, 7, 5, 3, 0, 1, 2, 5, 5, 7};
        return new Batch(4, 2, 3, dense, sparse, new float[] {1, 0, 1, 0});
    }

    /** The original's features for {@link #batch()}, laid out by hand as its mapping says. */
    private static float[] features(Batch b) {
        float[] f = new float[b.size() * 4];
        for (int i = 0; i < b.size(); i++) {
            f[i * 4] = b.dense()[i * 2 + 1];
            f[i * 4 + 1] = b.dense()[i * 2];
            for (int s = 0; s < 3; s++) {
                long id = b.sparse()[i * 3 + s];
                f[i * 4 + 2] += id == 5 ? 1 : 0;
                f[i * 4 + 3] += id == 7 ? 1 : 0;
            }
        }
        return f;
    }

    @Test
    void servesWhatTheOriginalServesAndExplainsItCompletely() throws Exception {
        OnnxWeights.Loaded imported = ModelImport.read(original(), MAPPING, SPEC, Set.of());
        assertThat(imported.config().kind()).isEqualTo(ModelKind.IMPORTED);
        assertThat(imported.params()).containsOnlyKeys("linear.weight", "linear.bias");
        Batch b = batch();
        float[] expected;
        try (OrtSession original = SESSIONS.create(original());
             OnnxTensor x = OnnxTensor.createTensor(SESSIONS.environment(), FloatBuffer.wrap(features(b)), new long[] {4, 4});
             OrtSession.Result r = original.run(Map.of("features", x))) {
            float[][] p = (float[][]) r.get(0).getValue();
            expected = new float[] {p[0][1], p[1][1], p[2][1], p[3][1]};
        }
        byte[] served = ModelGraphs.inference(imported.config(), imported.params(), Map.of()).toByteArray();
        try (InferenceSession session = new InferenceSession(served, SESSIONS, true)) {
            assertThat(session.score(b)).containsExactly(expected, within(1e-6f));
            InferenceSession.Explained e = session.explain(b);
            for (int i = 0; i < b.size(); i++) {
                double sum = e.baseline();
                for (int j = 0; j < e.slots(); j++) {
                    sum += e.parts()[i * e.slots() + j];
                }
                double logit = Math.log(expected[i] / (1.0 - expected[i]));
                assertThat(sum).as("row %d: baseline + parts = the served logit", i).isCloseTo(logit, within(1e-4));
            }
            // Row 2 has neither id 5 nor 7: its sparse slots contribute nothing; row 0's id 5 does.
            assertThat(new float[] {e.parts()[12], e.parts()[13], e.parts()[14]}).containsOnly(0f);
            assertThat(e.parts()[2]).as("row 0, id 5: weight difference x 1").isCloseTo(W[5] - W[4], within(1e-5f));
        }
        // The release's graph reads back as the same imported model.
        OnnxWeights.Loaded back = OnnxWeights.read(served);
        assertThat(back.config()).isEqualTo(imported.config());
        assertThat(back.params().get("linear.weight").data()).containsExactly(W);
    }

    @Test
    void readsThroughAnIdentityAfterTheSoftmax() throws Exception {
        Batch b = batch();
        float[][] served = new float[2][];
        int i = 0;
        for (byte[] onnx : List.of(original(), namedByIdentity())) {
            OnnxWeights.Loaded imported = ModelImport.read(onnx, MAPPING, SPEC, Set.of());
            try (InferenceSession session = new InferenceSession(
                    ModelGraphs.inference(imported.config(), imported.params(), Map.of()).toByteArray(), SESSIONS, true)) {
                served[i++] = session.score(b);
            }
        }
        assertThat(served[1]).containsExactly(served[0], within(1e-6f));
    }

    @Test
    void fineTunesWithAFrozenWeightLeftAsItWas() throws Exception {
        OnnxWeights.Loaded imported = ModelImport.read(original(), MAPPING, SPEC, Set.of("linear.b*"));
        ModelConfig config = imported.config().withLearningRate(0.05);
        assertThat(config.isFrozen("linear.bias")).isTrue();
        assertThat(config.isFrozen("linear.weight")).isFalse();
        TrainingState state = TrainingState.warm(config, imported.params());
        Batch b = batch();
        double first;
        double last = Double.NaN;
        try (TrainingSession training = TrainingSession.open(config, SESSIONS)) {
            TrainingSession.StepResult step = training.step(state, b);
            first = step.loss();
            state = step.state();
            for (int i = 0; i < 60; i++) {
                step = training.step(state, b);
                state = step.state();
                last = step.loss();
            }
        }
        assertThat(last).as("log loss after fine-tuning, from %s", first).isLessThan(first * 0.8);
        assertThat(state.params().get("linear.bias").data()).as("frozen").containsExactly(B);
        assertThat(state.params().get("linear.weight").data()).as("trained").isNotEqualTo(W);
    }

    @Test
    void refusesWhatItCannotMapOrFreeze() {
        assertThatThrownBy(() -> ModelImport.read(original(), "", SPEC, Set.of()))
                .hasMessageContaining("say which features feed the graph's input 'features'");
        assertThatThrownBy(() -> ModelImport.read(original(), "input.features = dense:0, dense:1\n", SPEC, Set.of()))
                .hasMessageContaining("the mapping gives it [N, 2]");
        assertThatThrownBy(() -> ModelImport.read(original(), "input.features = dense:0, dense:1, sparse:99, sparse:7\n", SPEC, Set.of()))
                .hasMessageContaining("sparse id 99 is outside the spec's 16 buckets");
        assertThatThrownBy(() -> ModelImport.read(original(), MAPPING, SPEC, Set.of("conv.*")))
                .hasMessageContaining("--freeze conv.* matches none of the graph's weights");
        assertThatThrownBy(() -> ModelImport.read(original(), MAPPING, SPEC, Set.of("linear.*")))
                .hasMessageContaining("leaves no weight to train");
        assertThatThrownBy(() -> ModelImport.read(original(), MAPPING + "colour = red\n", SPEC, Set.of()))
                .hasMessageContaining("unknown key 'colour'");
        assertThat(ModelImport.isOwn(original())).isFalse();
        assertThat(List.of(ModelImport.supportedOps().toArray())).contains("Gemm", "Softmax", "Relu");
    }
}
