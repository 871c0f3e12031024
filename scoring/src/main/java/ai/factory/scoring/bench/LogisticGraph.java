package ai.factory.scoring.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

/**
 * A logistic model as an ONNX inference graph of the factory's contract:
 * {@code score = sigmoid(dense · w + Σ emb[sparse] + b)}, inputs {@code dense} float32 [N, D] and
 * {@code sparse} int64 [N, S], output {@code score} float32 [N, 1]. The benchmark and the tests use it
 * where the trainer's graphs are not at hand.
 */
public final class LogisticGraph {

    private static final int OPSET = 17;
    private static final int IR_VERSION = 8;

    /**
     * The weights of the model.
     *
     * @param dense     one weight per dense feature
     * @param embedding one weight per hashed sparse id
     */
    public record Weights(float[] dense, float[] embedding, float bias) {

        /** Random small weights, reproducible from {@code seed}. */
        public static Weights random(int denseSize, int buckets, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] w = new float[denseSize];
            float[] emb = new float[buckets];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextDouble() - 0.5);
            }
            for (int i = 0; i < emb.length; i++) {
                emb[i] = (float) (random.nextDouble() - 0.5) * 0.2f;
            }
            return new Weights(w, emb, (float) (random.nextDouble() - 0.5));
        }
    }

    private LogisticGraph() {
    }

    /** The serialized graph for vectors with {@code sparseWidth} sparse ids. */
    public static byte[] onnx(Weights weights, int sparseWidth) {
        int d = weights.dense().length;
        GraphProto graph = GraphProto.newBuilder()
                .setName("logistic")
                .addInput(input("dense", TensorProto.DataType.FLOAT_VALUE, d))
                .addInput(input("sparse", TensorProto.DataType.INT64_VALUE, sparseWidth))
                .addOutput(input("score", TensorProto.DataType.FLOAT_VALUE, 1))
                .addInitializer(floats("w", weights.dense(), d, 1))
                .addInitializer(floats("emb", weights.embedding(), weights.embedding().length, 1))
                .addInitializer(floats("b", new float[] {weights.bias()}, 1))
                .addInitializer(TensorProto.newBuilder().setName("sum_axes").setDataType(TensorProto.DataType.INT64_VALUE)
                        .addDims(1).addInt64Data(1).build())
                .addNode(node("MatMul", "dense_part", "dense", "w"))
                .addNode(node("Gather", "gathered", "emb", "sparse").toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0)))
                .addNode(node("ReduceSum", "sparse_part", "gathered", "sum_axes").toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0)))
                .addNode(node("Add", "linear", "dense_part", "sparse_part"))
                .addNode(node("Add", "logit", "linear", "b"))
                .addNode(node("Sigmoid", "score", "logit"))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("factory-scoring")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    /** The same model computed in Java, in float arithmetic like ORT. */
    public static float score(Weights weights, float[] dense, long[] sparse) {
        float logit = 0f;
        for (int i = 0; i < dense.length; i++) {
            logit += dense[i] * weights.dense()[i];
        }
        float sparsePart = 0f;
        for (long id : sparse) {
            sparsePart += weights.embedding()[(int) id];
        }
        logit = logit + sparsePart + weights.bias();
        return (float) (1.0 / (1.0 + Math.exp(-logit)));
    }

    private static ValueInfoProto input(String name, int elementType, long width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape)))
                .build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    private static NodeProto node(String op, String output, String... inputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output + "_" + op).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        return node.build();
    }
}
