package ai.factory.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The label scale of a config: validation, and its round trip through properties and a published ONNX graph. */
class ModelConfigTest {

    private static final ModelConfig REGRESSION = ModelConfig.deep(3, 2, 16).withArchitecture(2, List.of(4))
            .withTask(Task.REGRESSION).withLabelScale(15.25, 4.5);

    @Test
    void theLabelScaleSurvivesTheOnnxMetadataOfAPublishedModel() {
        assertThat(ModelConfig.fromProperties(REGRESSION.toProperties())).isEqualTo(REGRESSION);
        byte[] onnx = ModelGraphs.inference(REGRESSION, TrainingState.initial(REGRESSION).params(), Map.of("model_name", "quakes"))
                .toByteArray();
        OnnxWeights.Loaded loaded = OnnxWeights.read(onnx);
        assertThat(loaded.config()).isEqualTo(REGRESSION);
        assertThat(loaded.metadata()).containsEntry("label_mean", "15.25").containsEntry("label_std", "4.5");
    }

    @Test
    void aWideDeepConfigAndItsDeepRateSurviveTheOnnxMetadata() {
        ModelConfig config = ModelConfig.wideDeep(3, 2, 16).withArchitecture(2, List.of(4)).withDeepLearningRate(0.0025);
        assertThat(config.toProperties()).containsEntry("model_kind", "wide-deep").containsEntry("deep_learning_rate", "0.0025");
        byte[] onnx = ModelGraphs.inference(config, TrainingState.initial(config).params(), Map.of()).toByteArray();
        assertThat(OnnxWeights.read(onnx).config()).isEqualTo(config);
        assertThat(ModelConfig.logistic(3, 2, 16).toProperties()).doesNotContainKey("deep_learning_rate");
        for (ModelKind kind : ModelKind.values()) {
            assertThat(ModelKind.parse(kind.label())).isEqualTo(kind);
        }
        assertThatThrownBy(() -> ModelConfig.wideDeep(3, 2, 16).withDeepLearningRate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelConfig.wideDeep(3, 2, 16).withArchitecture(0, List.of(4))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWideDeepReleaseFromBeforeThePairwiseInteractionsReadsWithTheirWeightAtZero() throws Exception {
        ModelConfig config = ModelConfig.wideDeep(3, 2, 16).withArchitecture(2, List.of(4));
        Map<String, FloatTensor> params = new java.util.LinkedHashMap<>(TrainingState.initial(config).params());
        params.put(WideDeepModel.PAIRS_WEIGHT, FloatTensor.filled(0.5f, 1, 1));
        var current = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(ModelGraphs.inference(config, params, Map.of()).toByteArray());
        assertThat(OnnxWeights.read(current.toByteArray()).params().get(WideDeepModel.PAIRS_WEIGHT).data()).containsExactly(0.5f);
        var graph = current.getGraph().toBuilder();
        graph.clearInitializer();
        current.getGraph().getInitializerList().stream().filter(t -> !t.getName().equals(WideDeepModel.PAIRS_WEIGHT))
                .forEach(graph::addInitializer);
        byte[] older = current.toBuilder().setGraph(graph).build().toByteArray();
        assertThat(OnnxWeights.read(older).params().get(WideDeepModel.PAIRS_WEIGHT).data()).containsExactly(0f);
        var withoutEmbeddings = current.getGraph().toBuilder().clearInitializer();
        assertThatThrownBy(() -> OnnxWeights.read(current.toBuilder().setGraph(withoutEmbeddings).build().toByteArray()))
                .hasMessageContaining("lacks parameter");
    }

    @Test
    void aModelWrittenBeforeLabelScalesReadsAsTheIdentity() {
        Map<String, String> old = new java.util.LinkedHashMap<>(ModelConfig.logistic(3, 2, 16).withTask(Task.REGRESSION).toProperties());
        old.remove("label_mean");
        old.remove("label_std");
        ModelConfig read = ModelConfig.fromProperties(old);
        assertThat(read.labelMean()).isZero();
        assertThat(read.labelStd()).isOne();
        assertThat(read.scalesLabels()).isFalse();
    }

    @Test
    void theScaleMustBeUsableAndBinaryModelsKeepTheIdentity() {
        ModelConfig regression = ModelConfig.logistic(3, 2, 16).withTask(Task.REGRESSION);
        assertThatThrownBy(() -> regression.withLabelScale(1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("std");
        assertThatThrownBy(() -> regression.withLabelScale(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> regression.withLabelScale(0, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelConfig.logistic(3, 2, 16).withLabelScale(15, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("binary");
        ModelConfig withBaseRate = ModelConfig.logistic(3, 2, 16).withLabelScale(0.2, 1);
        assertThat(withBaseRate.logitOffset()).isCloseTo(Math.log(0.25), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(ModelConfig.logistic(3, 2, 16).logitOffset()).isZero();
        assertThatThrownBy(() -> ModelConfig.logistic(3, 2, 16).withLabelScale(0.2, 2)).isInstanceOf(IllegalArgumentException.class);
        ModelConfig backToBinary = regression.withLabelScale(15, 4).withTask(Task.BINARY);
        assertThat(backToBinary.labelMean()).isZero();
        assertThat(backToBinary.labelStd()).isOne();
    }
}
