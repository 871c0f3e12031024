package ai.factory.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

/** A logistic model with the scorer contract's output: {@code dense} float [N, 4] in, {@code score} float [N, 1] out. */
final class TinyModel {

    static final int WIDTH = 4;
    static final float[] WEIGHTS = {0.5f, -1f, 2f, 0.25f};
    static final float BIAS = -0.1f;

    private TinyModel() {
    }

    static byte[] onnx() {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("tiny")
                .addInput(tensor("dense", -1, WIDTH))
                .addInitializer(floats("w", WEIGHTS, WIDTH, 1))
                .addInitializer(floats("b", new float[] {BIAS}, 1))
                .addNode(node("MatMul", "logit0", "dense", "w"))
                .addNode(node("Add", "logit", "logit0", "b"))
                .addNode(node("Sigmoid", "score", "logit"))
                .addOutput(tensor("score", -1, 1))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("factory-onnx-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray();
    }

    /** What the model computes for one row, in Java. */
    static float score(float[] row) {
        double z = BIAS;
        for (int i = 0; i < WIDTH; i++) {
            z += row[i] * WEIGHTS[i];
        }
        return (float) (1 / (1 + Math.exp(-z)));
    }

    private static OnnxMl.NodeProto node(String op, String output, String... inputs) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        return node.build();
    }

    private static OnnxMl.TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static OnnxMl.ValueInfoProto tensor(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}
