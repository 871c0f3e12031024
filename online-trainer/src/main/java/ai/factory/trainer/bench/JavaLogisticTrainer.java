package ai.factory.trainer.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.factory.trainer.model.Adagrad;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.LogisticModel;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.TrainingState;

/** Logistic regression with Adagrad and L2 (on all weights, every step, like the graph) in plain loops. */
public final class JavaLogisticTrainer extends JavaTrainer {

    private float[] sparseW;
    private float[] denseW;
    private float[] bias;
    private float[] accSparse;
    private float[] accDense;
    private float[] accBias;

    public JavaLogisticTrainer(ModelConfig config, TrainingState start) {
        super(config);
        require(config, ModelKind.LOGISTIC, OptimizerKind.ADAGRAD);
        reset(start);
    }

    @Override
    protected double step(Batch b, float[] scores) {
        int n = b.size();
        int d = b.denseSize();
        int s = b.sparseWidth();
        float[] gSparse = new float[sparseW.length];
        float[] gDense = new float[denseW.length];
        float gBias = 0;
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float z = logit(sparseW, denseW, bias, b, i);
            float y = b.labels()[i];
            scores[i] = sigmoid(z);
            loss += logLoss(z, y);
            float dz = (scores[i] - y) / n;
            for (int j = 0; j < s; j++) {
                gSparse[(int) b.sparse()[i * s + j]] += dz;
            }
            for (int j = 0; j < d; j++) {
                gDense[j] += dz * b.dense()[i * d + j];
            }
            gBias += dz;
        }
        float l2 = (float) config.l2();
        float lr = (float) config.learningRate();
        adagrad(sparseW, gSparse, accSparse, l2, lr);
        adagrad(denseW, gDense, accDense, l2, lr);
        adagrad(bias, new float[] {gBias}, accBias, 0, lr);
        return loss / n;
    }

    private static float logit(float[] sparseW, float[] denseW, float[] bias, Batch b, int i) {
        int d = b.denseSize();
        int s = b.sparseWidth();
        float z = bias[0];
        for (int j = 0; j < s; j++) {
            z += sparseW[(int) b.sparse()[i * s + j]];
        }
        for (int j = 0; j < d; j++) {
            z += b.dense()[i * d + j] * denseW[j];
        }
        return z;
    }

    static void adagrad(float[] w, float[] g, float[] acc, float l2, float lr) {
        for (int k = 0; k < w.length; k++) {
            float grad = g[k] + l2 * w[k];
            acc[k] += grad * grad;
            w[k] -= grad * lr / ((float) Math.sqrt(acc[k]) + 1e-7f);
        }
    }

    @Override
    protected RowLogits logits(Map<String, FloatTensor> params) {
        float[] sw = params.get(LogisticModel.SPARSE_WEIGHTS).data();
        float[] dw = params.get(LogisticModel.DENSE_WEIGHTS).data();
        float[] bw = params.get(LogisticModel.BIAS).data();
        return (b, i) -> logit(sw, dw, bw, b, i);
    }

    @Override
    public TrainingState state() {
        Map<String, FloatTensor> p = new LinkedHashMap<>();
        p.put(LogisticModel.SPARSE_WEIGHTS, new FloatTensor(new long[] {sparseW.length, 1}, sparseW.clone()));
        p.put(LogisticModel.DENSE_WEIGHTS, new FloatTensor(new long[] {denseW.length, 1}, denseW.clone()));
        p.put(LogisticModel.BIAS, new FloatTensor(new long[] {1}, bias.clone()));
        Map<String, FloatTensor> o = new LinkedHashMap<>();
        p.forEach((name, t) -> o.put(Adagrad.accumulator(name), new FloatTensor(t.shape(), accumulator(name).clone())));
        return new TrainingState(p, o);
    }

    private float[] accumulator(String param) {
        return param.equals(LogisticModel.SPARSE_WEIGHTS) ? accSparse : param.equals(LogisticModel.DENSE_WEIGHTS) ? accDense : accBias;
    }

    @Override
    public void reset(TrainingState start) {
        sparseW = start.params().get(LogisticModel.SPARSE_WEIGHTS).data().clone();
        denseW = start.params().get(LogisticModel.DENSE_WEIGHTS).data().clone();
        bias = start.params().get(LogisticModel.BIAS).data().clone();
        accSparse = start.optimizer().get(Adagrad.accumulator(LogisticModel.SPARSE_WEIGHTS)).data().clone();
        accDense = start.optimizer().get(Adagrad.accumulator(LogisticModel.DENSE_WEIGHTS)).data().clone();
        accBias = start.optimizer().get(Adagrad.accumulator(LogisticModel.BIAS)).data().clone();
    }
}
