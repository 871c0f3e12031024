package ai.factory.trainer.bench;

import java.util.SplittableRandom;

import ai.factory.trainer.model.Batch;

/**
 * Examples drawn from a known logistic model over hashed ids and dense features, so the best achievable log
 * loss is known: it is the mean log loss of the true probabilities.
 */
public final class SyntheticData {

    private final int denseSize;
    private final int sparseWidth;
    private final int buckets;
    private final double[] sparseWeights;
    private final double[] denseWeights;
    private final double bias;
    private final SplittableRandom random;

    /** A true model with weights of scale {@code weightScale}, and a stream of examples, both from {@code seed}. */
    public SyntheticData(int denseSize, int sparseWidth, int buckets, double weightScale, long seed) {
        this.denseSize = denseSize;
        this.sparseWidth = sparseWidth;
        this.buckets = buckets;
        SplittableRandom truth = new SplittableRandom(seed);
        sparseWeights = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            sparseWeights[i] = gaussian(truth) * weightScale;
        }
        denseWeights = new double[denseSize];
        for (int i = 0; i < denseSize; i++) {
            denseWeights[i] = gaussian(truth) * weightScale;
        }
        bias = -0.5;
        random = new SplittableRandom(seed * 31 + 7);
    }

    /** Examples plus the true probability of each. */
    public record Sample(Batch batch, double[] trueProbabilities) {

        /** Mean log loss of the true probabilities against the drawn labels: the optimum. */
        public double optimalLogLoss() {
            double sum = 0;
            for (int i = 0; i < batch.size(); i++) {
                double p = trueProbabilities[i];
                sum -= batch.labels()[i] > 0.5 ? Math.log(p) : Math.log(1 - p);
            }
            return sum / batch.size();
        }
    }

    /** The next {@code n} examples. */
    public Sample next(int n) {
        float[] dense = new float[n * denseSize];
        long[] sparse = new long[n * sparseWidth];
        float[] labels = new float[n];
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            double z = bias;
            for (int j = 0; j < denseSize; j++) {
                float x = (float) gaussian(random);
                dense[i * denseSize + j] = x;
                z += x * denseWeights[j];
            }
            for (int j = 0; j < sparseWidth; j++) {
                int id = random.nextInt(buckets);
                sparse[i * sparseWidth + j] = id;
                z += sparseWeights[id];
            }
            p[i] = 1 / (1 + Math.exp(-z));
            labels[i] = random.nextDouble() < p[i] ? 1f : 0f;
        }
        return new Sample(new Batch(n, denseSize, sparseWidth, dense, sparse, labels), p);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
