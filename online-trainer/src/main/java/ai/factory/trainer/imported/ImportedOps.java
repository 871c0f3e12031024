package ai.factory.trainer.imported;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.factory.trainer.graph.DType;
import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Tensors;
import ai.factory.trainer.graph.Value;
import ai.onnx.proto.OnnxMl;

/**
 * The ONNX ops an imported graph may use, each re-emitted through the {@link GraphBuilder} so that its
 * vector-Jacobian product is on the tape: what makes a graph trained elsewhere trainable here. An op not listed is
 * refused by name when the graph is read.
 */
final class ImportedOps {

    /** Re-emits one node from its inputs (null for an omitted optional input); returns its outputs in order. */
    @FunctionalInterface
    interface Rule {
        List<Value> emit(Replay r, List<Value> in, OnnxMl.NodeProto node);
    }

    /** What a rule may consult beyond its inputs: the builder and the int64 constants known when the graph is read. */
    interface Replay {
        GraphBuilder g();

        /** The values of the int64 constant called {@code name} in the imported graph (a Reshape's shape), or null. */
        long[] longs(String name);

        /** Records the values of an int64 constant computed by a node. */
        void remember(String name, long[] values);
    }

    private static final Map<String, Rule> RULES = new TreeMap<>(Map.ofEntries(
            Map.entry("Add", (r, in, n) -> List.of(r.g().add(in.get(0), in.get(1)))),
            Map.entry("Sub", (r, in, n) -> List.of(r.g().sub(in.get(0), in.get(1)))),
            Map.entry("Mul", (r, in, n) -> List.of(r.g().mul(in.get(0), in.get(1)))),
            Map.entry("Div", (r, in, n) -> List.of(r.g().div(in.get(0), in.get(1)))),
            Map.entry("Neg", (r, in, n) -> List.of(r.g().neg(in.get(0)))),
            Map.entry("Sum", (r, in, n) -> List.of(in.stream().reduce(r.g()::add).orElseThrow())),
            Map.entry("MatMul", (r, in, n) -> List.of(r.g().matMul(matrix(in.get(0), n), matrix(in.get(1), n)))),
            Map.entry("Gemm", ImportedOps::gemm),
            Map.entry("Relu", (r, in, n) -> List.of(r.g().relu(in.get(0)))),
            Map.entry("LeakyRelu", ImportedOps::leakyRelu),
            Map.entry("Sigmoid", (r, in, n) -> List.of(r.g().sigmoid(in.get(0)))),
            Map.entry("Tanh", (r, in, n) -> List.of(r.g().tanh(in.get(0)))),
            Map.entry("Softplus", (r, in, n) -> List.of(r.g().softplus(in.get(0)))),
            Map.entry("Exp", (r, in, n) -> List.of(r.g().exp(in.get(0)))),
            Map.entry("Log", (r, in, n) -> List.of(r.g().log(in.get(0)))),
            Map.entry("Abs", (r, in, n) -> List.of(r.g().abs(in.get(0)))),
            Map.entry("Sqrt", (r, in, n) -> List.of(r.g().sqrt(in.get(0)))),
            Map.entry("Softmax", ImportedOps::softmax),
            Map.entry("Constant", ImportedOps::constant),
            Map.entry("Identity", (r, in, n) -> List.of(in.get(0))),
            // Inference graphs: Dropout passes its input through (a mask output, if asked for, is not supported).
            Map.entry("Dropout", (r, in, n) -> List.of(in.get(0))),
            Map.entry("Cast", ImportedOps::cast),
            Map.entry("Flatten", ImportedOps::flatten),
            Map.entry("Reshape", ImportedOps::reshape),
            Map.entry("Concat", (r, in, n) -> List.of(r.g().concat((int) axis(n, in.get(0), "axis", 0), in))),
            Map.entry("Transpose", ImportedOps::transpose)));

    private ImportedOps() {
    }

    /** The supported op types, sorted. */
    static List<String> supported() {
        return List.copyOf(RULES.keySet());
    }

    /** The rule of {@code node}'s op; refuses an op outside the default domain or not supported, by name. */
    static Rule rule(OnnxMl.NodeProto node) {
        Rule rule = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx") ? RULES.get(node.getOpType()) : null;
        if (rule == null) {
            throw new IllegalArgumentException("unsupported ONNX op " + (node.getDomain().isEmpty() ? "" : node.getDomain() + ".")
                    + node.getOpType() + " (node '" + node.getName() + "'); an imported graph may use " + String.join(", ", supported()));
        }
        return rule;
    }

    /** Y = alpha * A' B' + beta * C, A' and B' transposed when asked. */
    private static List<Value> gemm(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        GraphBuilder g = r.g();
        Value a = matrix(in.get(0), n);
        Value b = matrix(in.get(1), n);
        if (intAttr(n, "transA", 0) != 0) {
            a = g.transpose(a);
        }
        if (intAttr(n, "transB", 0) != 0) {
            b = g.transpose(b);
        }
        Value y = g.matMul(a, b);
        double alpha = floatAttr(n, "alpha", 1);
        if (alpha != 1) {
            y = g.mul(y, g.scalar(alpha));
        }
        if (in.size() > 2 && in.get(2) != null) {
            double beta = floatAttr(n, "beta", 1);
            Value c = beta == 1 ? in.get(2) : g.mul(in.get(2), g.scalar(beta));
            y = g.add(y, c);
        }
        return List.of(y);
    }

    /** max(x, 0) - alpha * max(-x, 0): the same function, from ops that have their derivative. */
    private static List<Value> leakyRelu(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        GraphBuilder g = r.g();
        Value x = in.get(0);
        return List.of(g.sub(g.relu(x), g.mul(g.relu(g.neg(x)), g.scalar(floatAttr(n, "alpha", 0.01)))));
    }

    /**
     * exp(x - max) / sum(exp(x - max)) along the last axis. The max is off the tape: softmax does not change with the
     * shift, so no gradient flows through it.
     */
    private static List<Value> softmax(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        GraphBuilder g = r.g();
        Value x = in.get(0);
        long axis = axis(n, x, "axis", -1);
        if (axis != x.rank() - 1) {
            throw new IllegalArgumentException("Softmax (node '" + n.getName() + "') is supported along the last axis only, not "
                    + axis + " of " + x.rank());
        }
        long[] kept = x.dims();
        kept[kept.length - 1] = 1;
        Value max = g.op("ReduceMax", List.of(x), x.type(), kept,
                List.of(GraphBuilder.intsAttr("axes", -1), GraphBuilder.intAttr("keepdims", 1)));
        Value e = g.exp(g.sub(x, max));
        return List.of(g.div(e, g.reduceSum(e, -1)));
    }

    /** A tensor-valued constant: a real one in the builder's type, an int64 one (a shape) remembered for Reshape. */
    private static List<Value> constant(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        OnnxMl.TensorProto t = n.getAttributeList().stream().filter(a -> a.getName().equals("value")).findFirst()
                .map(OnnxMl.AttributeProto::getT).orElseThrow(() -> new IllegalArgumentException(
                        "Constant (node '" + n.getName() + "') is supported with a tensor value only"));
        if (t.getDataType() == OnnxMl.TensorProto.DataType.INT64_VALUE) {
            long[] v = longs(t);
            r.remember(n.getOutput(0), v);
            return List.of(r.g().longs(v));
        }
        return List.of(realConstant(r.g(), t));
    }

    /** A cast between real types is the identity here: the whole graph is re-emitted in the builder's real type. */
    private static List<Value> cast(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        int to = (int) intAttr(n, "to", 0);
        if (to != OnnxMl.TensorProto.DataType.FLOAT_VALUE && to != OnnxMl.TensorProto.DataType.DOUBLE_VALUE
                || !in.get(0).type().isReal()) {
            throw new IllegalArgumentException("Cast (node '" + n.getName() + "') is supported between float types only");
        }
        return List.of(in.get(0));
    }

    /** To a matrix [d0 * ... * d(axis-1), rest]; the batch dimension must stay the first. */
    private static List<Value> flatten(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        Value x = in.get(0);
        long axis = axis(n, x, "axis", 1);
        if (axis != 1) {
            throw new IllegalArgumentException("Flatten (node '" + n.getName() + "') is supported with axis 1 only");
        }
        if (x.rank() == 2) {
            return List.of(x);
        }
        long rest = 1;
        for (int i = 1; i < x.rank(); i++) {
            rest *= x.dim(i);
        }
        return List.of(r.g().reshape(x, -1, rest));
    }

    /** A reshape to a constant shape (0 copies the input's dimension, as ONNX says). */
    private static List<Value> reshape(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        Value x = in.get(0);
        long[] shape = r.longs(n.getInput(1));
        if (shape == null) {
            throw new IllegalArgumentException("Reshape (node '" + n.getName() + "') is supported to a constant shape only");
        }
        long[] dims = shape.clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) {
                dims[i] = x.dim(i);
            }
        }
        return List.of(r.g().reshape(x, dims));
    }

    private static List<Value> transpose(Replay r, List<Value> in, OnnxMl.NodeProto n) {
        Value x = matrix(in.get(0), n);
        List<Long> perm = n.getAttributeList().stream().filter(a -> a.getName().equals("perm")).findFirst()
                .map(OnnxMl.AttributeProto::getIntsList).orElse(List.of(1L, 0L));
        if (!perm.equals(List.of(1L, 0L))) {
            throw new IllegalArgumentException("Transpose (node '" + n.getName() + "') is supported for matrices only");
        }
        return List.of(r.g().transpose(x));
    }

    private static Value matrix(Value v, OnnxMl.NodeProto n) {
        if (v.rank() != 2) {
            throw new IllegalArgumentException(n.getOpType() + " (node '" + n.getName() + "') is supported on matrices only, got "
                    + v);
        }
        return v;
    }

    /** An axis attribute, made non-negative against {@code x}'s rank. */
    private static long axis(OnnxMl.NodeProto n, Value x, String name, long fallback) {
        long axis = intAttr(n, name, fallback);
        return axis < 0 ? x.rank() + axis : axis;
    }

    static long intAttr(OnnxMl.NodeProto n, String name, long fallback) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(OnnxMl.AttributeProto::getI).orElse(fallback);
    }

    private static double floatAttr(OnnxMl.NodeProto n, String name, double fallback) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(a -> (double) a.getF()).orElse(fallback);
    }

    /** The values of an int64 tensor (a shape), from int64_data or raw data. */
    static long[] longs(OnnxMl.TensorProto t) {
        if (t.getDataType() != OnnxMl.TensorProto.DataType.INT64_VALUE) {
            throw new IllegalArgumentException("tensor " + t.getName() + " is not int64");
        }
        if (!t.getRawData().isEmpty()) {
            long[] out = new long[t.getRawData().size() / Long.BYTES];
            t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            return out;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A float tensor's values as a real constant of the builder. */
    static Value realConstant(GraphBuilder g, OnnxMl.TensorProto t) {
        return g.constant(Tensors.dims(t), Tensors.floats(t));
    }

    /** DType of an ONNX element type, for inputs. */
    static DType dtype(int onnxType) {
        for (DType t : DType.values()) {
            if (t.onnx().getNumber() == onnxType) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported element type " + OnnxMl.TensorProto.DataType.forNumber(onnxType));
    }
}
