package ai.factory.trainer.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.graph.DType;
import ai.factory.trainer.graph.GradientChecker;
import ai.factory.trainer.graph.GradientChecker.Input;
import org.junit.jupiter.api.Test;

/** Every model kind's full loss (data loss + L2) gradients, from autodiff, against central differences in float64. */
class ModelGradientTest {

    private static final int N = 6;

    @Test
    void logisticModelGradients() throws Exception {
        check(ModelConfig.logistic(3, 2, 5).withL2(0.01), 1);
    }

    @Test
    void logisticRegressionWithSquaredLossGradients() throws Exception {
        check(ModelConfig.logistic(3, 2, 5).withTask(Task.REGRESSION).withL2(0.01), 2);
    }

    @Test
    void logisticRegressionWithStandardisedLabelsGradients() throws Exception {
        check(ModelConfig.logistic(3, 2, 5).withTask(Task.REGRESSION).withLabelScale(15, 4).withL2(0.01), 6);
    }

    @Test
    void deepRegressionWithStandardisedLabelsGradients() throws Exception {
        check(ModelConfig.deep(3, 2, 5).withTask(Task.REGRESSION).withLabelScale(-2.5, 0.3).withArchitecture(3, List.of(4)).withL2(0.01), 7);
    }

    @Test
    void logisticWithABaseRateGradients() throws Exception {
        check(ModelConfig.logistic(3, 2, 5).withLabelScale(0.15, 1).withL2(0.01), 8);
    }

    @Test
    void deepModelGradients() throws Exception {
        check(ModelConfig.deep(3, 2, 5).withArchitecture(2, List.of(4, 3)).withL2(0.01), 3);
    }

    @Test
    void deepModelWithSquaredLossGradients() throws Exception {
        check(ModelConfig.deep(3, 2, 5).withTask(Task.REGRESSION).withArchitecture(3, List.of(4)).withL2(0.01), 4);
    }

    @Test
    void wideDeepModelGradients() throws Exception {
        check(ModelConfig.wideDeep(3, 2, 5).withArchitecture(2, List.of(4, 3)).withL2(0.01), 9);
    }

    @Test
    void wideDeepWithABaseRateGradients() throws Exception {
        check(ModelConfig.wideDeep(3, 2, 5).withLabelScale(0.15, 1).withArchitecture(3, List.of(4)).withL2(0.01), 10);
    }

    @Test
    void wideDeepRegressionWithStandardisedLabelsGradients() throws Exception {
        check(ModelConfig.wideDeep(3, 2, 5).withTask(Task.REGRESSION).withLabelScale(-2.5, 0.3).withArchitecture(3, List.of(4))
                .withL2(0.01), 11);
    }

    @Test
    void frozenParametersGetNoGradientOutput() throws Exception {
        ModelConfig config = ModelConfig.deep(3, 2, 5).withArchitecture(2, List.of(4)).withFrozen(java.util.Set.of(DeepModel.EMBEDDING, "deep.layer0."));
        var model = ModelGraphs.gradients(config, DType.DOUBLE);
        List<String> outputs = model.getGraph().getOutputList().stream().map(o -> o.getName()).toList();
        org.assertj.core.api.Assertions.assertThat(outputs)
                .containsExactly("loss", ModelGraphs.GRAD + DeepModel.HEAD + "w", ModelGraphs.GRAD + DeepModel.HEAD + "b");
        check(config, 5);
    }

    private static void check(ModelConfig config, long seed) throws Exception {
        Random random = new Random(seed);
        SyntheticData.Sample sample = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 1.0, seed).next(N);
        Batch b = sample.batch();
        Map<String, Input> inputs = new LinkedHashMap<>();
        inputs.put(ModelGraphs.DENSE, Input.reals(widen(b.dense()), N, config.denseSize()));
        // Repeat an id across rows so the embedding gradient has to add up rows.
        long[] ids = b.sparse().clone();
        ids[0] = ids[ids.length - 1];
        inputs.put(ModelGraphs.SPARSE, Input.ids(ids, N, config.sparseWidth()));
        double[] labels = widen(b.labels());
        if (config.task() == Task.REGRESSION) {
            for (int i = 0; i < N; i++) {
                // Around the label scale, so the standardised error is of order one whatever the scale.
                labels[i] = config.labelMean() + config.labelStd() * random.nextGaussian();
            }
        }
        inputs.put(ModelGraphs.LABEL, Input.reals(labels, N, 1));
        for (ParamSpec p : ModelDefinition.of(config).params()) {
            // Random, non-zero weights everywhere (also where the model would start at zero) to exercise every path.
            double[] w = new double[Math.toIntExact(size(p.shape()))];
            for (int i = 0; i < w.length; i++) {
                w[i] = random.nextGaussian() * 0.5;
            }
            inputs.put(p.name(), Input.reals(w, p.shape()));
        }
        try (GradientChecker checker = new GradientChecker(ModelGraphs.gradients(config, DType.DOUBLE).toByteArray())) {
            for (ParamSpec p : ModelDefinition.of(config).params()) {
                if (!config.isFrozen(p.name())) {
                    checker.check(inputs, ModelGraphs.LOSS, p.name(), ModelGraphs.GRAD + p.name(), 40);
                }
            }
        }
    }

    private static long size(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    private static double[] widen(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
