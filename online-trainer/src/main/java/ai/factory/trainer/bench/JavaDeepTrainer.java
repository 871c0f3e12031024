package ai.factory.trainer.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.factory.trainer.model.Adam;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.DeepModel;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.TrainingState;

/** Embeddings + one hidden ReLU layer + output, with Adam and L2, in plain loops (one hidden layer only). */
public final class JavaDeepTrainer extends JavaTrainer {

    private static final String[] NAMES = {DeepModel.EMBEDDING, "deep.layer0.w", "deep.layer0.b", DeepModel.HEAD + "w", DeepModel.HEAD + "b"};
    private static final boolean[] REGULARIZED = {true, true, false, true, false};

    private final int k;
    private final int in;
    private final int hidden;
    private final float[][] w = new float[NAMES.length][];
    private final long[][] shapes = new long[NAMES.length][];
    private final float[][] m = new float[NAMES.length][];
    private final float[][] v = new float[NAMES.length][];
    private int t;

    public JavaDeepTrainer(ModelConfig config, TrainingState start) {
        super(config);
        require(config, ModelKind.DEEP, OptimizerKind.ADAM);
        if (config.hidden().size() != 1) {
            throw new IllegalArgumentException("the Java baseline has exactly one hidden layer");
        }
        this.k = config.embeddingDim();
        this.in = config.sparseWidth() * k + config.denseSize();
        this.hidden = config.hidden().get(0);
        reset(start);
    }

    @Override
    protected double step(Batch b, float[] scores) {
        int n = b.size();
        int s = b.sparseWidth();
        float[] w1 = w[1];
        float[] w2 = w[3];
        float[][] g = new float[NAMES.length][];
        for (int p = 0; p < NAMES.length; p++) {
            g[p] = new float[w[p].length];
        }
        float[] x = new float[in];
        float[] h = new float[hidden];
        float[] dh = new float[hidden];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float z = forward(w, b, i, x, h);
            float y = b.labels()[i];
            scores[i] = sigmoid(z);
            loss += logLoss(z, y);
            float dz = (scores[i] - y) / n;
            g[4][0] += dz;
            for (int c = 0; c < hidden; c++) {
                g[3][c] += h[c] * dz;
                dh[c] = h[c] > 0 ? dz * w2[c] : 0;
                g[2][c] += dh[c];
            }
            for (int a = 0; a < in; a++) {
                float xa = x[a];
                int row = a * hidden;
                float dx = 0;
                for (int c = 0; c < hidden; c++) {
                    g[1][row + c] += xa * dh[c];
                    dx += dh[c] * w1[row + c];
                }
                if (a < s * k) {
                    g[0][(int) b.sparse()[i * s + a / k] * k + a % k] += dx;
                }
            }
        }
        adam(g);
        return loss / n;
    }

    /** The logit of row {@code i} under weights {@code p} (in {@link #NAMES} order); leaves its input in x, its hidden layer in h. */
    private float forward(float[][] p, Batch b, int i, float[] x, float[] h) {
        int s = b.sparseWidth();
        int d = b.denseSize();
        for (int j = 0; j < s; j++) {
            System.arraycopy(p[0], (int) b.sparse()[i * s + j] * k, x, j * k, k);
        }
        System.arraycopy(b.dense(), i * d, x, s * k, d);
        System.arraycopy(p[2], 0, h, 0, hidden);
        for (int a = 0; a < in; a++) {
            float xa = x[a];
            int row = a * hidden;
            for (int c = 0; c < hidden; c++) {
                h[c] += xa * p[1][row + c];
            }
        }
        float z = p[4][0];
        for (int c = 0; c < hidden; c++) {
            h[c] = Math.max(h[c], 0);
            z += h[c] * p[3][c];
        }
        return z;
    }

    private void adam(float[][] g) {
        t++;
        float l2 = (float) config.l2();
        float rate = (float) (config.learningRate() * Math.sqrt(1 - Math.pow(Adam.BETA2, t)) / (1 - Math.pow(Adam.BETA1, t)));
        float b1 = (float) Adam.BETA1;
        float b2 = (float) Adam.BETA2;
        for (int p = 0; p < NAMES.length; p++) {
            float[] wp = w[p];
            for (int q = 0; q < wp.length; q++) {
                float grad = g[p][q] + (REGULARIZED[p] ? l2 * wp[q] : 0);
                m[p][q] = m[p][q] * b1 + grad * (1 - b1);
                v[p][q] = v[p][q] * b2 + grad * grad * (1 - b2);
                wp[q] -= m[p][q] * rate / ((float) Math.sqrt(v[p][q]) + (float) Adam.EPSILON);
            }
        }
    }

    @Override
    protected RowLogits logits(Map<String, FloatTensor> params) {
        float[][] p = new float[NAMES.length][];
        for (int i = 0; i < NAMES.length; i++) {
            p[i] = params.get(NAMES[i]).data();
        }
        float[] x = new float[in];
        float[] h = new float[hidden];
        return (b, i) -> forward(p, b, i, x, h);
    }

    @Override
    public TrainingState state() {
        Map<String, FloatTensor> params = new LinkedHashMap<>();
        Map<String, FloatTensor> optimizer = new LinkedHashMap<>();
        optimizer.put(Adam.STEP, new FloatTensor(new long[0], new float[] {t}));
        for (int i = 0; i < NAMES.length; i++) {
            params.put(NAMES[i], new FloatTensor(shapes[i], w[i].clone()));
            optimizer.put(Adam.firstMoment(NAMES[i]), new FloatTensor(shapes[i], m[i].clone()));
            optimizer.put(Adam.secondMoment(NAMES[i]), new FloatTensor(shapes[i], v[i].clone()));
        }
        return new TrainingState(params, optimizer);
    }

    @Override
    public void reset(TrainingState start) {
        t = (int) start.optimizer().get(Adam.STEP).data()[0];
        for (int p = 0; p < NAMES.length; p++) {
            w[p] = start.params().get(NAMES[p]).data().clone();
            shapes[p] = start.params().get(NAMES[p]).shape();
            m[p] = start.optimizer().get(Adam.firstMoment(NAMES[p])).data().clone();
            v[p] = start.optimizer().get(Adam.secondMoment(NAMES[p])).data().clone();
        }
    }
}
