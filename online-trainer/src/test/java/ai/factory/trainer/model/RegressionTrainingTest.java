package ai.factory.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.runtime.InferenceSession;
import ai.factory.trainer.runtime.TrainerSessions;
import ai.factory.trainer.runtime.TrainingSession;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Regression on labels far from zero (~ N(15, 4²)) learns within a few hundred Adam steps thanks to the label scale. */
class RegressionTrainingTest {

    private static final Logger LOG = LoggerFactory.getLogger(RegressionTrainingTest.class);

    private static final SessionFactory SESSIONS = TrainerSessions.open(Device.CPU, 1);
    private static final double MEAN = 15;
    private static final double STD = 4;
    /** y = 15 + x·W + noise, x ~ N(0, I): signal variance 13.5 plus noise 1.5² gives about 4² in all. */
    private static final double[] W = {2.0, -1.5, 2.5, 1.0};
    private static final double NOISE = 1.5;
    private static final int BUCKETS = 16;

    private static ModelConfig logistic() {
        return ModelConfig.logistic(W.length, 1, BUCKETS).withTask(Task.REGRESSION)
                .withOptimizer(OptimizerKind.ADAM, 0.01).withLabelScale(MEAN, STD);
    }

    @Test
    void theInitialModelServesTheLabelMeanAndItsLossIsStandardised() throws Exception {
        ModelConfig config = logistic();
        TrainingState initial = TrainingState.initial(config);
        Batch batch = batch(new Random(1), 200);
        try (InferenceSession inference = new InferenceSession(
                ModelGraphs.inference(config, initial.params(), Map.of()).toByteArray(), SESSIONS);
             TrainingSession training = TrainingSession.open(config, SESSIONS)) {
            assertThat(inference.score(batch)).containsOnly((float) MEAN);
            TrainingSession.StepResult step = training.step(initial, batch);
            assertThat(step.scores()).containsOnly((float) MEAN);
            // With raw output 0, the loss is the mean squared standardised label.
            double expected = 0;
            for (float y : batch.labels()) {
                expected += Math.pow((y - MEAN) / STD, 2) / batch.size();
            }
            assertThat(step.loss()).isCloseTo(expected, within(1e-4 * expected));
        }
    }

    @Test
    void everyKindReachesTheNoiseWithinAFewHundredStepsAtLearningRate001() throws Exception {
        ModelConfig deep = ModelConfig.deep(W.length, 1, BUCKETS).withTask(Task.REGRESSION)
                .withArchitecture(4, List.of(16)).withOptimizer(OptimizerKind.ADAM, 0.01).withLabelScale(MEAN, STD);
        ModelConfig wideDeep = ModelConfig.wideDeep(W.length, 1, BUCKETS).withTask(Task.REGRESSION)
                .withArchitecture(4, List.of(16)).withOptimizer(OptimizerKind.ADAM, 0.01).withLabelScale(MEAN, STD);
        for (ModelConfig config : List.of(logistic(), deep, wideDeep)) {
            double rmse = rmseAfter300Steps(config);
            // Predicting the mean would give about 4; the noise alone 1.5.
            assertThat(rmse).as(config.kind().label()).isLessThan(1.1 * NOISE);
        }
    }

    @Test
    void withoutTheLabelScaleTheSameStepsDoNotEvenReachTheMean() throws Exception {
        // Why the scale exists: from bias 0, steps of about 0.01 cover a fraction of the way to 15 in 300 steps.
        assertThat(rmseAfter300Steps(logistic().withLabelScale(0, 1))).isGreaterThan(2 * STD);
    }

    private static double rmseAfter300Steps(ModelConfig config) throws Exception {
        Random random = new Random(7);
        TrainingState state = TrainingState.initial(config);
        try (TrainingSession training = TrainingSession.open(config, SESSIONS)) {
            for (int i = 0; i < 300; i++) {
                state = training.step(state, batch(random, 64)).state();
            }
        }
        Batch probe = batch(random, 4000);
        try (InferenceSession inference = new InferenceSession(
                ModelGraphs.inference(config, state.params(), Map.of()).toByteArray(), SESSIONS)) {
            float[] scores = inference.score(probe);
            double sse = 0;
            for (int i = 0; i < probe.size(); i++) {
                sse += Math.pow(scores[i] - probe.labels()[i], 2);
            }
            double rmse = Math.sqrt(sse / probe.size());
            LOG.info("{} regression (label scale {}/{}) after 300 steps: hold-out RMSE {} (noise {}, label std {})",
                    config.kind().label(), config.labelMean(), config.labelStd(), rmse, NOISE, STD);
            return rmse;
        }
    }

    private static Batch batch(Random random, int n) {
        float[] dense = new float[n * W.length];
        long[] sparse = new long[n];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            double y = MEAN + NOISE * random.nextGaussian();
            for (int j = 0; j < W.length; j++) {
                double x = random.nextGaussian();
                dense[i * W.length + j] = (float) x;
                y += W[j] * x;
            }
            sparse[i] = random.nextInt(BUCKETS);   // ids that carry no signal
            labels[i] = (float) y;
        }
        return new Batch(n, W.length, 1, dense, sparse, labels);
    }
}
