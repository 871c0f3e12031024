package ai.factory.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.runtime.TrainerSessions;
import ai.factory.trainer.runtime.TrainingSession;
import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** K mini-batches per ONNX Runtime run (a Scan over the training step) against K single-step runs. */
class KStepTrainingTest {

    private static final Logger LOG = LoggerFactory.getLogger(KStepTrainingTest.class);
    private static final SessionFactory SESSIONS = TrainerSessions.open(Device.CPU, 1);
    /** Float32 on both paths; the same kernels in a different order of calls may differ in the last bits. */
    private static final float ABSOLUTE = 1e-6f;
    private static final float RELATIVE = 1e-5f;

    @Test
    void kStepsInOneRunGiveTheWeightsOfKSingleStepRuns() throws Exception {
        ModelConfig deep = ModelConfig.deep(4, 3, 64).withArchitecture(4, List.of(16, 8)).withL2(0.01);
        ModelConfig wideDeep = ModelConfig.wideDeep(4, 3, 64).withArchitecture(4, List.of(16, 8)).withL2(0.01);
        List<ModelConfig> configs = List.of(
                ModelConfig.logistic(4, 3, 64).withL2(0.01),
                deep,
                deep.withFrozen(Set.of(DeepModel.EMBEDDING, "deep.layer0.")),
                ModelConfig.logistic(4, 3, 64).withTask(Task.REGRESSION).withOptimizer(OptimizerKind.ADAM, 0.01),
                deep.withTask(Task.REGRESSION).withLabelScale(0.3, 2.5),
                wideDeep,
                wideDeep.withFrozen(Set.of(WideDeepModel.DEEP)));
        for (ModelConfig config : configs) {
            // Seven batches: with K = 4 that is a run of four, a run of one (the size changes), then a run of two.
            List<Batch> batches = batches(config, 64, 64, 64, 64, 64, 30, 30);
            TrainingState start = TrainingState.initial(config);
            TrainingSession.StepsResult single;
            TrainingSession.StepsResult scanned;
            try (TrainingSession one = TrainingSession.open(config, SESSIONS);
                 TrainingSession four = TrainingSession.open(config, SESSIONS, 4)) {
                single = one.steps(start, batches);
                scanned = four.steps(start, batches);
            }
            String label = config.kind().label() + "/" + config.optimizer() + "/frozen " + config.frozen();
            assertClose(label, scanned.state().params(), single.state().params());
            assertClose(label, scanned.state().optimizer(), single.state().optimizer());
            assertThat(scanned.state().params().keySet()).containsExactlyElementsOf(single.state().params().keySet());
            assertThat(scanned.state().optimizer().keySet()).containsExactlyElementsOf(single.state().optimizer().keySet());
            for (int i = 0; i < batches.size(); i++) {
                assertThat(scanned.losses()[i]).as("%s loss of step %d", label, i)
                        .isCloseTo(single.losses()[i], within(1e-5 + 1e-5 * Math.abs(single.losses()[i])));
                assertClose(label + " scores of step " + i, scanned.scores().get(i), single.scores().get(i));
            }
            assertThat(scanned.state().params()).as("training moved the weights").isNotEqualTo(start.params());
            for (String frozen : List.of(DeepModel.EMBEDDING, "deep.layer0.w")) {
                if (config.isFrozen(frozen)) {
                    assertThat(scanned.state().params().get(frozen)).isEqualTo(start.params().get(frozen));
                }
            }
        }
    }

    @Test
    void oneStepThroughTheScanGraphIsTheSingleStep() throws Exception {
        ModelConfig config = ModelConfig.deep(4, 3, 64).withArchitecture(4, List.of(8));
        Batch batch = batches(config, 50).get(0);
        TrainingState start = TrainingState.initial(config);
        try (TrainingSession one = TrainingSession.open(config, SESSIONS);
             TrainingSession scan = TrainingSession.open(config, SESSIONS, 8)) {
            TrainingSession.StepResult a = one.step(start, batch);
            TrainingSession.StepResult b = scan.step(start, batch);
            assertClose("params", b.state().params(), a.state().params());
            assertClose("scores", b.scores(), a.scores());
            assertThat(b.loss()).isCloseTo(a.loss(), within(1e-6));
        }
    }

    @Test
    void theKStepGraphIsOneScanOverStackedBatches() {
        ModelConfig config = ModelConfig.logistic(4, 3, 64);
        OnnxMl.GraphProto graph = ModelGraphs.trainingSteps(config).getGraph();
        assertThat(graph.getNodeList()).hasSize(1);
        OnnxMl.NodeProto scan = graph.getNode(0);
        assertThat(scan.getOpType()).isEqualTo("Scan");
        OnnxMl.GraphProto body = scan.getAttributeList().stream().filter(a -> a.getName().equals("body")).findFirst()
                .orElseThrow().getG();
        assertThat(body.getNodeCount()).isGreaterThan(10);
        assertThat(body.getNodeList()).allMatch(n -> n.getName().startsWith("step."), "body names stay in their scope");
        OnnxMl.ValueInfoProto dense = graph.getInputList().stream().filter(i -> i.getName().equals(ModelGraphs.DENSE))
                .findFirst().orElseThrow();
        var dims = dense.getType().getTensorType().getShape().getDimList();
        assertThat(dims).extracting(d -> d.hasDimParam() ? d.getDimParam() : String.valueOf(d.getDimValue()))
                .containsExactly("K", "N", "4");
        assertThat(graph.getOutputList()).extracting(OnnxMl.ValueInfoProto::getName)
                .contains(ModelGraphs.LOSS, ModelGraphs.SCORE, ModelGraphs.NEW + LogisticModel.BIAS);
    }

    private static List<Batch> batches(ModelConfig config, int... sizes) {
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 1.0, 17);
        List<Batch> out = new ArrayList<>();
        for (int size : sizes) {
            out.add(data.next(size).batch());
        }
        return out;
    }

    private static void assertClose(String label, Map<String, FloatTensor> actual, Map<String, FloatTensor> expected) {
        float worst = 0;
        for (Map.Entry<String, FloatTensor> e : expected.entrySet()) {
            FloatTensor got = actual.get(e.getKey());
            assertThat(got).as("%s: %s", label, e.getKey()).isNotNull();
            assertThat(got.shape()).containsExactly(e.getValue().shape());
            worst = Math.max(worst, assertClose(label + ": " + e.getKey(), got.data(), e.getValue().data()));
        }
        LOG.info("{}: largest difference {}", label, worst);
    }

    private static float assertClose(String label, float[] actual, float[] expected) {
        assertThat(actual).as(label).hasSameSizeAs(expected);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            float diff = Math.abs(actual[i] - expected[i]);
            worst = Math.max(worst, diff);
            assertThat(diff).as("%s[%d]: %s vs %s", label, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(ABSOLUTE + RELATIVE * Math.abs(expected[i]));
        }
        return worst;
    }
}
