package ai.factory.trainer.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.onnx.proto.OnnxMl;

/** Conversions between Java arrays and the little-endian raw data of ONNX tensors. */
public final class Tensors {

    private Tensors() {
    }

    public static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public static byte[] littleEndian(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    /** The values of a float32 initializer, stored as raw data or as float_data. */
    public static float[] floats(OnnxMl.TensorProto tensor) {
        if (tensor.getDataType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("tensor " + tensor.getName() + " is not float32");
        }
        if (!tensor.getRawData().isEmpty()) {
            float[] out = new float[tensor.getRawData().size() / Float.BYTES];
            tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[tensor.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tensor.getFloatData(i);
        }
        return out;
    }

    /** Dimensions of a tensor proto. */
    public static long[] dims(OnnxMl.TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }
}
