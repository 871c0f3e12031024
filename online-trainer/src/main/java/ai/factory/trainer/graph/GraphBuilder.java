package ai.factory.trainer.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

/**
 * Builds an ONNX graph op by op. Differentiable ops are recorded on a tape together with their
 * vector-Jacobian product, so {@link Autodiff} can append the backward pass to the same graph.
 * Real-valued tensors use one element type ({@link #real()}), so the same model code emits float32
 * graphs for training and float64 graphs for gradient checks.
 */
public final class GraphBuilder {

    /** ONNX opset the graphs target: ScatterND with reduction needs 16; ReduceMean keeps its axes attribute until 18. */
    public static final int OPSET = 17;

    /** Name of the symbolic batch dimension in declared inputs and outputs. */
    public static final String BATCH = "N";
    /** Name of the symbolic leading dimension of stacked per-step inputs and outputs (see {@link #stepsInput}). */
    public static final String STEPS = "K";

    private final String graphName;
    private final DType real;
    private final String scope;
    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final List<TapeEntry> tape = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int counter;
    private boolean taping = true;

    public GraphBuilder(String graphName, DType real) {
        this(graphName, real, "");
    }

    /**
     * A builder whose generated names start with {@code scope}: a subgraph (a Scan body) must not reuse a name of
     * the graph around it.
     */
    public GraphBuilder(String graphName, DType real, String scope) {
        if (!real.isReal()) {
            throw new IllegalArgumentException("real type must be FLOAT or DOUBLE: " + real);
        }
        this.graphName = graphName;
        this.real = real;
        this.scope = scope;
    }

    /** Element type of every real-valued tensor of this graph. */
    public DType real() {
        return real;
    }

    /** The differentiable ops recorded so far, in emission order. */
    public List<TapeEntry> tape() {
        return Collections.unmodifiableList(tape);
    }

    // ---------------------------------------------------------------- graph interface

    /** Declares a graph input. */
    public Value input(String name, DType type, long... dims) {
        claim(name);
        graph.addInput(valueInfo(name, type, dims));
        return new Value(name, type, dims);
    }

    /**
     * Declares an input stacked over steps: [{@value #STEPS}, ...{@code rowDims}], where a -1 in {@code rowDims} is
     * the batch dimension. The returned value has -1 for both symbolic dimensions.
     */
    public Value stepsInput(String name, DType type, long... rowDims) {
        claim(name);
        long[] dims = stacked(rowDims);
        graph.addInput(valueInfo(name, type, dims, STEPS));
        return new Value(name, type, dims);
    }

    /** A value of an enclosing graph, used by name inside this subgraph (an implicit input of a Scan body). */
    public Value outer(String name, DType type, long... dims) {
        claim(name);
        return new Value(name, type, dims);
    }

    /** A real-valued initializer (a constant weight stored in the model). */
    public Value initializer(String name, long[] dims, float[] data) {
        claim(name);
        graph.addInitializer(realTensor(name, dims, data));
        return new Value(name, real, dims);
    }

    /** Declares {@code value} as a graph output called {@code name}. */
    public Value output(Value value, String name) {
        Value out = value;
        if (!value.name().equals(name)) {
            claim(name);
            graph.addNode(node("Identity", List.of(value.name()), name, List.of()));
            out = new Value(name, value.type(), value.dims());
        }
        graph.addOutput(valueInfo(out.name(), out.type(), out.dims()));
        return out;
    }

    /**
     * A boolean scalar switch: an initializer holding {@code fallback}, also declared as an input so that it stays a
     * variable (ONNX IR 4+: an overridable default). Left out of the inputs, ONNX Runtime folds it, and the branch it
     * guards, away before a session's options can set it.
     */
    public Value flag(String name, boolean fallback) {
        claim(name);
        graph.addInput(valueInfo(name, DType.BOOL, new long[0]));
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name).setDataType(DType.BOOL.onnx().getNumber())
                .addInt32Data(fallback ? 1 : 0).build());
        return new Value(name, DType.BOOL, new long[0]);
    }

    /** Declares {@code value} as an output whose leading dimension, when not static, is called {@code rows}. */
    public Value output(Value value, String name, String rows) {
        claim(name);
        graph.addNode(node("Identity", List.of(value.name()), name, List.of()));
        graph.addOutput(valueInfo(name, value.type(), value.dims(), rows));
        return new Value(name, value.type(), value.dims());
    }

    /** Declares {@code value}, whose leading dimension counts steps, as a graph output (see {@link #stepsInput}). */
    public Value stepsOutput(Value value) {
        graph.addOutput(valueInfo(value.name(), value.type(), value.dims(), STEPS));
        return value;
    }

    /** The graph as built so far (for use as a subgraph or inside a model). */
    public OnnxMl.GraphProto buildGraph() {
        return graph.clone().setName(graphName).build();
    }

    /** A complete model around this graph, with {@code metadata} as metadata properties. */
    public OnnxMl.ModelProto buildModel(Map<String, String> metadata) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("ai-factory-online-trainer")
                .setDomain("ai.factory")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(buildGraph());
        metadata.forEach((k, v) -> model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    // ---------------------------------------------------------------- constants

    /** A real scalar constant. */
    public Value scalar(double value) {
        return constant(realTensorOf("", new long[0], new float[] {(float) value}, value), real, new long[0]);
    }

    /** A real constant tensor of shape {@code dims}, row-major {@code data}. */
    public Value constant(long[] dims, float[] data) {
        return constant(realTensor("", dims, data), real, dims.clone());
    }

    /** A 1-D int64 constant. */
    public Value longs(long... values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setDataType(DType.INT64.onnx().getNumber()).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return constant(t.build(), DType.INT64, new long[] {values.length});
    }

    private Value constant(OnnxMl.TensorProto tensor, DType type, long[] dims) {
        return emit("Constant", List.of(), type, dims, List.of(tensorAttr("value", tensor)));
    }

    // ---------------------------------------------------------------- differentiable ops

    public Value add(Value a, Value b) {
        Value y = emit("Add", List.of(a, b), a.type(), broadcast(a, b), List.of());
        return record("Add", List.of(a, b), y, (dy, need) -> Arrays.asList(
                need[0] ? unbroadcast(dy, a) : null,
                need[1] ? unbroadcast(dy, b) : null));
    }

    public Value sub(Value a, Value b) {
        Value y = emit("Sub", List.of(a, b), a.type(), broadcast(a, b), List.of());
        return record("Sub", List.of(a, b), y, (dy, need) -> Arrays.asList(
                need[0] ? unbroadcast(dy, a) : null,
                need[1] ? unbroadcast(neg(dy), b) : null));
    }

    public Value mul(Value a, Value b) {
        Value y = emit("Mul", List.of(a, b), a.type(), broadcast(a, b), List.of());
        return record("Mul", List.of(a, b), y, (dy, need) -> Arrays.asList(
                need[0] ? unbroadcast(mul(dy, b), a) : null,
                need[1] ? unbroadcast(mul(dy, a), b) : null));
    }

    public Value div(Value a, Value b) {
        Value y = emit("Div", List.of(a, b), a.type(), broadcast(a, b), List.of());
        return record("Div", List.of(a, b), y, (dy, need) -> Arrays.asList(
                need[0] ? unbroadcast(div(dy, b), a) : null,
                need[1] ? unbroadcast(neg(div(mul(dy, y), b)), b) : null));
    }

    public Value neg(Value x) {
        Value y = emit("Neg", List.of(x), x.type(), x.dims(), List.of());
        return record("Neg", List.of(x), y, (dy, need) -> List.of(neg(dy)));
    }

    /** Matrix product of [N,K] and [K,M]. */
    public Value matMul(Value a, Value b) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matMul takes two matrices: " + a + ", " + b);
        }
        Value y = emit("MatMul", List.of(a, b), a.type(), new long[] {a.dim(0), b.dim(1)}, List.of());
        return record("MatMul", List.of(a, b), y, (dy, need) -> Arrays.asList(
                need[0] ? matMul(dy, transpose(b)) : null,
                need[1] ? matMul(transpose(a), dy) : null));
    }

    public Value sigmoid(Value x) {
        Value y = emit("Sigmoid", List.of(x), x.type(), x.dims(), List.of());
        return record("Sigmoid", List.of(x), y, (dy, need) -> List.of(mul(dy, mul(y, sub(scalar(1), y)))));
    }

    public Value tanh(Value x) {
        Value y = emit("Tanh", List.of(x), x.type(), x.dims(), List.of());
        return record("Tanh", List.of(x), y, (dy, need) -> List.of(mul(dy, sub(scalar(1), mul(y, y)))));
    }

    public Value relu(Value x) {
        Value y = emit("Relu", List.of(x), x.type(), x.dims(), List.of());
        return record("Relu", List.of(x), y, (dy, need) -> List.of(where(greater(x, scalar(0)), dy, scalar(0))));
    }

    /**
     * log(1 + e^x) as max(x, 0) + log(1 + e^-|x|): no overflow, and any real type (ONNX Runtime's Softplus
     * kernel is float-only). Recorded as one op so its derivative is sigmoid(x) even at the kink of max and |x|.
     */
    public Value softplus(Value x) {
        Value y = untaped(() -> add(relu(x), log(add(scalar(1), exp(neg(abs(x)))))));
        return record("Softplus", List.of(x), y, (dy, need) -> List.of(mul(dy, sigmoid(x))));
    }

    public Value exp(Value x) {
        Value y = emit("Exp", List.of(x), x.type(), x.dims(), List.of());
        return record("Exp", List.of(x), y, (dy, need) -> List.of(mul(dy, y)));
    }

    public Value log(Value x) {
        Value y = emit("Log", List.of(x), x.type(), x.dims(), List.of());
        return record("Log", List.of(x), y, (dy, need) -> List.of(div(dy, x)));
    }

    public Value abs(Value x) {
        Value y = emit("Abs", List.of(x), x.type(), x.dims(), List.of());
        return record("Abs", List.of(x), y, (dy, need) -> List.of(mul(dy, sign(x))));
    }

    public Value sqrt(Value x) {
        Value y = emit("Sqrt", List.of(x), x.type(), x.dims(), List.of());
        return record("Sqrt", List.of(x), y, (dy, need) -> List.of(div(dy, mul(y, scalar(2)))));
    }

    /** Sum of all elements, as a scalar. */
    public Value sumAll(Value x) {
        Value y = emit("ReduceSum", List.of(x), x.type(), new long[0], List.of(intAttr("keepdims", 0)));
        return record("ReduceSum", List.of(x), y, (dy, need) -> List.of(expand(dy, x)));
    }

    /** Mean of all elements, as a scalar. */
    public Value meanAll(Value x) {
        Value y = emit("ReduceMean", List.of(x), x.type(), new long[0], List.of(intAttr("keepdims", 0)));
        return record("ReduceMean", List.of(x), y, (dy, need) -> List.of(div(expand(dy, x), cast(size(x), x.type()))));
    }

    /** Sum over {@code axes}, keeping them as size-1 dimensions. */
    public Value reduceSum(Value x, long... axes) {
        long[] dims = x.dims();
        for (long axis : axes) {
            dims[(int) (axis < 0 ? dims.length + axis : axis)] = 1;
        }
        Value y = emit("ReduceSum", List.of(x, longs(axes)), x.type(), dims, List.of(intAttr("keepdims", 1)));
        return record("ReduceSum", List.of(x), y, (dy, need) -> List.of(expand(dy, x)));
    }

    /** Rows of {@code table} [V, ...] picked by int64 {@code ids} [...]: an embedding lookup. */
    public Value gather(Value table, Value ids) {
        long[] t = table.dims();
        long[] i = ids.dims();
        long[] dims = new long[i.length + t.length - 1];
        System.arraycopy(i, 0, dims, 0, i.length);
        System.arraycopy(t, 1, dims, i.length, t.length - 1);
        Value y = emit("Gather", List.of(table, ids), table.type(), dims, List.of(intAttr("axis", 0)));
        // The table's gradient adds every looked-up row's gradient into its row; repeated ids add up.
        return record("Gather", List.of(table, ids), y, (dy, need) -> Arrays.asList(
                need[0] ? scatterNdAdd(zerosLike(table), unsqueezeLast(ids), dy) : null, null));
    }

    /** Reshape to {@code dims}; one entry may be -1 (the batch dimension, inferred). */
    public Value reshape(Value x, long... dims) {
        Value y = emit("Reshape", List.of(x, longs(dims)), x.type(), dims, List.of());
        return record("Reshape", List.of(x), y, (dy, need) -> List.of(reshapeLike(dy, x)));
    }

    /** Concatenation along {@code axis}; the inputs' sizes along that axis must be static. */
    public Value concat(int axis, List<Value> parts) {
        long[] dims = parts.get(0).dims();
        long total = 0;
        for (Value p : parts) {
            if (p.dim(axis) < 0) {
                throw new IllegalArgumentException("concat needs a static size along axis " + axis + ": " + p);
            }
            total += p.dim(axis);
        }
        dims[axis] = total;
        Value y = emit("Concat", parts, parts.get(0).type(), dims, List.of(intAttr("axis", axis)));
        return record("Concat", parts, y, (dy, need) -> {
            List<Value> grads = new ArrayList<>();
            long offset = 0;
            for (int k = 0; k < parts.size(); k++) {
                long size = parts.get(k).dim(axis);
                grads.add(need[k] ? slice(dy, axis, offset, offset + size) : null);
                offset += size;
            }
            return grads;
        });
    }

    /** The transpose of a matrix. */
    public Value transpose(Value x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("transpose takes a matrix: " + x);
        }
        Value y = emit("Transpose", List.of(x), x.type(), new long[] {x.dim(1), x.dim(0)}, List.of(intsAttr("perm", 1, 0)));
        return record("Transpose", List.of(x), y, (dy, need) -> List.of(transpose(dy)));
    }

    /**
     * Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}, whose size must be static: a
     * differentiable {@link #slice}. Its derivative pads the output's gradient with zeros back to the input's shape.
     */
    public Value narrow(Value x, int axis, long start, long end) {
        long size = x.dim(axis);
        if (size < 0 || start < 0 || end > size || start >= end) {
            throw new IllegalArgumentException("narrow needs 0 <= start < end <= a static size along axis " + axis + ": " + x);
        }
        Value y = slice(x, axis, start, end);
        return record("Slice", List.of(x), y, (dy, need) -> {
            long[] pads = new long[2 * x.rank()];
            pads[axis] = start;
            pads[x.rank() + axis] = size - end;
            return List.of(emit("Pad", List.of(dy, longs(pads)), dy.type(), x.dims(), List.of()));
        });
    }

    // ---------------------------------------------------------------- plain ops (no gradient)


    public Value shape(Value x) {
        return emit("Shape", List.of(x), DType.INT64, new long[] {x.rank()}, List.of());
    }

    public Value size(Value x) {
        return emit("Size", List.of(x), DType.INT64, new long[0], List.of());
    }

    public Value cast(Value x, DType to) {
        return emit("Cast", List.of(x), to, x.dims(), List.of(intAttr("to", to.onnx().getNumber())));
    }

    public Value sign(Value x) {
        return emit("Sign", List.of(x), x.type(), x.dims(), List.of());
    }

    public Value greater(Value a, Value b) {
        return emit("Greater", List.of(a, b), DType.BOOL, broadcast(a, b), List.of());
    }

    public Value where(Value condition, Value ifTrue, Value ifFalse) {
        return emit("Where", List.of(condition, ifTrue, ifFalse), ifTrue.type(),
                broadcast(condition, broadcastValue(ifTrue, ifFalse)), List.of());
    }

    /** Broadcasts {@code x} to the run-time shape of {@code like}. */
    public Value expand(Value x, Value like) {
        return emit("Expand", List.of(x, shape(like)), x.type(), like.dims(), List.of());
    }

    public Value reshapeLike(Value x, Value like) {
        return emit("Reshape", List.of(x, shape(like)), x.type(), like.dims(), List.of());
    }

    /** Zeros of the run-time shape of {@code like}. */
    public Value zerosLike(Value like) {
        OnnxMl.TensorProto zero = realTensorOf("", new long[] {1}, new float[] {0f}, 0.0);
        return emit("ConstantOfShape", List.of(shape(like)), real, like.dims(), List.of(tensorAttr("value", zero)));
    }

    public Value unsqueezeLast(Value x) {
        long[] dims = Arrays.copyOf(x.dims(), x.rank() + 1);
        dims[x.rank()] = 1;
        return emit("Unsqueeze", List.of(x, longs(-1)), x.type(), dims, List.of());
    }

    /** {@code data} with {@code updates} added at {@code indices} (ScatterND, reduction add). */
    public Value scatterNdAdd(Value data, Value indices, Value updates) {
        return emit("ScatterND", List.of(data, indices, updates), data.type(), data.dims(), List.of(stringAttr("reduction", "add")));
    }

    public Value slice(Value x, int axis, long start, long end) {
        long[] dims = x.dims();
        dims[axis] = end - start;
        return emit("Slice", List.of(x, longs(start), longs(end), longs(axis)), x.type(), dims, List.of());
    }

    public Value identity(Value x) {
        return emit("Identity", List.of(x), x.type(), x.dims(), List.of());
    }

    /** Ops not covered above: emits {@code op} with a caller-supplied output type and shape. */
    public Value op(String op, List<Value> inputs, DType outType, long[] outDims, List<OnnxMl.AttributeProto> attributes) {
        return emit(op, inputs, outType, outDims, attributes);
    }

    /** An op with several outputs, named and typed as {@code outputs} says; not differentiable. */
    public List<Value> op(String op, List<Value> inputs, List<Value> outputs, List<OnnxMl.AttributeProto> attributes) {
        outputs.forEach(v -> claim(v.name()));
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(fresh(op))
                .addAllInput(inputs.stream().map(Value::name).toList())
                .addAllOutput(outputs.stream().map(Value::name).toList())
                .addAllAttribute(attributes).build());
        return List.copyOf(outputs);
    }

    // ---------------------------------------------------------------- broadcasting

    private Value unbroadcast(Value grad, Value target) {
        long[] g = grad.dims();
        long[] t = target.dims();
        int extra = g.length - t.length;
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < g.length; i++) {
            if (i < extra || (t[i - extra] == 1 && g[i] != 1)) {
                axes.add((long) i);
            }
        }
        Value out = grad;
        if (!axes.isEmpty()) {
            long[] dims = g.clone();
            axes.forEach(a -> dims[a.intValue()] = 1);
            out = emit("ReduceSum", List.of(out, longs(axes.stream().mapToLong(Long::longValue).toArray())), grad.type(), dims,
                    List.of(intAttr("keepdims", 1)));
        }
        if (extra > 0) {
            out = reshapeLike(out, target);
        }
        return out;
    }

    private static Value broadcastValue(Value a, Value b) {
        return new Value("", a.type(), broadcast(a, b));
    }

    static long[] broadcast(Value a, Value b) {
        long[] x = a.dims();
        long[] y = b.dims();
        int rank = Math.max(x.length, y.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long dx = i < rank - x.length ? 1 : x[i - (rank - x.length)];
            long dy = i < rank - y.length ? 1 : y[i - (rank - y.length)];
            if (dx == 1) {
                out[i] = dy;
            } else if (dy == 1 || dx == dy) {
                out[i] = dx;
            } else if (dx == -1 || dy == -1) {
                out[i] = Math.max(dx, dy);
            } else {
                throw new IllegalArgumentException("shapes do not broadcast: " + a + ", " + b);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- emission

    private Value record(String op, List<Value> inputs, Value output, Vjp vjp) {
        if (taping) {
            tape.add(new TapeEntry(op, inputs, output, vjp));
        }
        return output;
    }

    /** Emits a composite op whose parts stay off the tape (the caller records the composite's own derivative). */
    private Value untaped(java.util.function.Supplier<Value> body) {
        boolean was = taping;
        taping = false;
        try {
            return body.get();
        } finally {
            taping = was;
        }
    }

    private Value emit(String op, List<Value> inputs, DType outType, long[] outDims, List<OnnxMl.AttributeProto> attributes) {
        String name = fresh(op);
        graph.addNode(node(op, inputs.stream().map(Value::name).toList(), name, attributes));
        return new Value(name, outType, outDims);
    }

    private String fresh(String op) {
        String name;
        do {
            name = scope + op.toLowerCase() + "_" + counter++;
        } while (names.contains(name));
        names.add(name);
        return name;
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("name already used in graph " + graphName + ": " + name);
        }
    }

    private static long[] stacked(long[] rowDims) {
        long[] dims = new long[rowDims.length + 1];
        dims[0] = -1;
        System.arraycopy(rowDims, 0, dims, 1, rowDims.length);
        return dims;
    }

    private static OnnxMl.NodeProto node(String op, List<String> inputs, String output, List<OnnxMl.AttributeProto> attributes) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                .addAllAttribute(attributes).build();
    }

    private OnnxMl.TensorProto realTensor(String name, long[] dims, float[] data) {
        double[] wide = new double[data.length];
        for (int i = 0; i < data.length; i++) {
            wide[i] = data[i];
        }
        return realTensorOf(name, dims, data, wide);
    }

    private OnnxMl.TensorProto realTensorOf(String name, long[] dims, float[] asFloat, double... asDouble) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(real.onnx().getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        if (real == DType.FLOAT) {
            t.setRawData(ByteString.copyFrom(Tensors.littleEndian(asFloat)));
        } else {
            t.setRawData(ByteString.copyFrom(Tensors.littleEndian(asDouble)));
        }
        return t.build();
    }

    static OnnxMl.ValueInfoProto valueInfo(String name, DType type, long[] dims) {
        return valueInfo(name, type, dims, BATCH);
    }

    /** Value info where a symbolic first dimension is called {@code firstSymbol} and any later one {@value #BATCH}. */
    private static OnnxMl.ValueInfoProto valueInfo(String name, DType type, long[] dims, String firstSymbol) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            long d = dims[i];
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(i == 0 ? firstSymbol : BATCH)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.onnx().getNumber()).setShape(shape)))
                .build();
    }

    public static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static OnnxMl.AttributeProto intsAttr(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static OnnxMl.AttributeProto stringAttr(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    public static OnnxMl.AttributeProto tensorAttr(String name, OnnxMl.TensorProto value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(value).build();
    }

    public static OnnxMl.AttributeProto graphAttr(String name, OnnxMl.GraphProto value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(value).build();
    }
}
