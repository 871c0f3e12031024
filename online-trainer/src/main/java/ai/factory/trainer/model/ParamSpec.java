package ai.factory.trainer.model;

import java.util.Random;

/**
 * One trainable tensor of a model.
 *
 * @param initStd     standard deviation of the seeded normal initialisation; 0 initialises with zeros
 * @param regularized whether L2 applies to it (weights yes, biases no)
 */
public record ParamSpec(String name, long[] shape, double initStd, boolean regularized) {

    public ParamSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Initial values, a pure function of {@code seed} and the parameter name. */
    public FloatTensor initialize(long seed) {
        FloatTensor t = FloatTensor.zeros(shape);
        if (initStd > 0) {
            Random random = new Random(seed * 1_000_003L + name.hashCode());
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (random.nextGaussian() * initStd);
            }
        }
        return t;
    }
}
