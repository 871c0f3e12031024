package ai.factory.trainer.imported;

import java.util.ArrayList;
import java.util.List;

import ai.factory.trainer.graph.Tensors;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

/** Writes small ONNX models by hand, as another tool would: plain protobuf, no help from the project's graph builder. */
public final class ForeignModels {

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("foreign");
    private int nodes;

    /** A float input [N, width]. */
    public ForeignModels input(String name, long width) {
        graph.addInput(info(name, OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, width));
        return this;
    }

    public ForeignModels weight(String name, long[] dims, float[] values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(Tensors.littleEndian(values)));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return this;
    }

    public ForeignModels shape(String name, long... values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return this;
    }

    public ForeignModels node(String op, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + nodes++).addAllInput(inputs)
                .addOutput(output).addAllAttribute(List.of(attributes)));
        return this;
    }

    public ForeignModels output(String name, long width) {
        graph.addOutput(info(name, OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, width));
        return this;
    }

    public byte[] bytes() {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("another-tool")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build().toByteArray();
    }

    static OnnxMl.AttributeProto ints(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    static OnnxMl.AttributeProto floats(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static OnnxMl.AttributeProto intList(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static OnnxMl.AttributeProto tensor(String name, long[] dims, float[] values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(Tensors.littleEndian(values)));
        for (long d : dims) {
            t.addDims(d);
        }
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    private static OnnxMl.ValueInfoProto info(String name, int type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    /** Values in [low, high) from a seeded stream, away from zero by at least a tenth of the range's width. */
    static float[] values(java.util.Random random, int n, double low, double high) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x;
            do {
                x = low + random.nextDouble() * (high - low);
            } while (Math.abs(x) < 0.1 * (high - low) && low < 0);
            v[i] = (float) x;
        }
        return v;
    }

    public static List<String> names(String... names) {
        return new ArrayList<>(List.of(names));
    }
}
