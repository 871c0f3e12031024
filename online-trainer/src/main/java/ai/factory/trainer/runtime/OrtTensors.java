package ai.factory.trainer.runtime;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;

import ai.factory.trainer.model.FloatTensor;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

/** Conversions between Java arrays and ONNX Runtime tensors. */
public final class OrtTensors {

    private OrtTensors() {
    }

    public static OnnxTensor of(OrtEnvironment env, FloatTensor t) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data()), t.shape());
    }

    public static OnnxTensor floats(OrtEnvironment env, float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    public static OnnxTensor longs(OrtEnvironment env, long[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
    }

    /** The values of a float tensor output. */
    public static float[] floats(OnnxValue value) {
        FloatBuffer b = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    /** A float tensor output as a Java tensor. */
    public static FloatTensor tensor(OnnxValue value) {
        OnnxTensor t = (OnnxTensor) value;
        return new FloatTensor(t.getInfo().getShape(), floats(t));
    }
}
