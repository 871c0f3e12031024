package ai.factory.trainer.model;

import java.io.Serializable;
import java.util.Arrays;

/** A dense float32 tensor held in Java: shape plus row-major values. */
public record FloatTensor(long[] shape, float[] data) implements Serializable {

    public FloatTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
        shape = shape.clone();
    }

    public static FloatTensor zeros(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new FloatTensor(shape, new float[Math.toIntExact(n)]);
    }

    public static FloatTensor filled(float value, long... shape) {
        FloatTensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** True when no value is NaN or infinite. */
    public boolean isFinite() {
        for (float v : data) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    public FloatTensor copy() {
        return new FloatTensor(shape, data.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(t.shape, shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
