package ai.factory.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.learner.OnlineLearner;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.Task;
import ai.factory.trainer.model.TrainingState;

/**
 * A learner written as plain Java loops: the baseline the ONNX Runtime learner is measured against. Binary models
 * without a base rate or frozen weights only; each subclass is one kind with one optimizer.
 */
public abstract class JavaTrainer implements OnlineLearner {

    protected final ModelConfig config;

    protected JavaTrainer(ModelConfig config) {
        if (config.task() != Task.BINARY || config.logitOffset() != 0 || !config.frozen().isEmpty()) {
            throw new IllegalArgumentException("the Java baselines learn binary labels without a base rate or frozen weights");
        }
        this.config = config;
    }

    /** The baseline of {@code config}'s kind (logistic with Adagrad, deep with Adam and one hidden layer), from {@code start}. */
    public static JavaTrainer open(ModelConfig config, TrainingState start) {
        return switch (config.kind()) {
            case LOGISTIC -> new JavaLogisticTrainer(config, start);
            case DEEP -> new JavaDeepTrainer(config, start);
            default -> throw new IllegalArgumentException("no Java baseline for " + config.kind().label() + " models");
        };
    }

    /**
     * One forward, backward and optimizer update; fills {@code scores} [n] from before the update and returns the
     * batch's mean data loss before the update.
     */
    protected abstract double step(Batch batch, float[] scores);

    /** The logit of one row of a batch under given weights. */
    protected interface RowLogits {
        float of(Batch batch, int row);
    }

    /** The logits under {@code params} (weights named like the graph's); one caller at a time. */
    protected abstract RowLogits logits(Map<String, FloatTensor> params);

    @Override
    public final float[] predict(Map<String, FloatTensor> params, Batch batch) {
        RowLogits logits = logits(params);
        float[] scores = new float[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            scores[i] = sigmoid(logits.of(batch, i));
        }
        return scores;
    }

    @Override
    public final Learnt learn(List<Batch> batches) {
        double[] losses = new double[batches.size()];
        List<float[]> scores = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            float[] s = new float[batches.get(i).size()];
            losses[i] = step(batches.get(i), s);
            scores.add(s);
        }
        return new Learnt(losses, scores);
    }

    @Override
    public final ModelConfig config() {
        return config;
    }

    @Override
    public final String runsOn() {
        return "java";
    }

    @Override
    public final void close() {
    }

    static void require(ModelConfig config, ModelKind kind, OptimizerKind optimizer) {
        if (config.kind() != kind || config.optimizer() != optimizer) {
            throw new IllegalArgumentException("this Java baseline is a " + kind.label() + " model with " + optimizer
                    + ", not a " + config.kind().label() + " model with " + config.optimizer());
        }
    }

    static float sigmoid(float z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }

    static float logLoss(float z, float y) {
        // softplus(z) - y z, stable for large |z|
        float softplus = (float) (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))));
        return softplus - y * z;
    }
}
