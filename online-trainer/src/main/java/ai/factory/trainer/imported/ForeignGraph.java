package ai.factory.trainer.imported;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Tensors;
import ai.factory.trainer.graph.Value;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.OnnxWeights;
import ai.onnx.proto.OnnxMl;

/**
 * An ONNX inference graph made by another tool, read for fine-tuning: its data inputs, its weights (the float
 * initializers) and its nodes, every one of a {@link ImportedOps supported op}. {@link #replay} re-emits the nodes into
 * a {@link GraphBuilder} with the weights as given values, so the project's autodiff can differentiate them.
 */
public final class ForeignGraph {

    private final OnnxMl.GraphProto graph;
    private final Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, OnnxMl.NodeProto> producers = new HashMap<>();

    private ForeignGraph(OnnxMl.GraphProto graph) {
        this.graph = graph;
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            ImportedOps.rule(node);
            if (node.getOutputCount() > 1 && node.getOutputList().subList(1, node.getOutputCount()).stream()
                    .anyMatch(o -> !o.isEmpty() && isUsed(o))) {
                throw new IllegalArgumentException(node.getOpType() + " (node '" + node.getName()
                        + "'): only its first output is supported");
            }
            node.getOutputList().forEach(o -> producers.put(o, node));
        }
        for (OnnxMl.TensorProto t : initializers.values()) {
            if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE
                    && t.getDataType() != OnnxMl.TensorProto.DataType.INT64_VALUE) {
                throw new IllegalArgumentException("initializer " + t.getName() + " is "
                        + OnnxMl.TensorProto.DataType.forNumber(t.getDataType()) + ": weights must be float32 (shapes int64)");
            }
        }
        if (graph.getOutputCount() == 0) {
            throw new IllegalArgumentException("the graph has no outputs");
        }
    }

    /** Reads an ONNX model; refuses one that is not ONNX, or uses an op or a tensor type this trainer cannot train. */
    public static ForeignGraph parse(byte[] onnx) {
        OnnxMl.ModelProto model = OnnxWeights.parse(onnx);
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new IllegalArgumentException("not an ONNX model: no graph");
        }
        return new ForeignGraph(model.getGraph());
    }

    /** The data inputs: graph inputs that are not initializers (older models list their weights as inputs too). */
    public List<OnnxMl.ValueInfoProto> dataInputs() {
        return graph.getInputList().stream().filter(i -> !initializers.containsKey(i.getName())).toList();
    }

    /** The names of the graph outputs, in order. */
    public List<String> outputs() {
        return graph.getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
    }

    /** The weights: every float initializer, by its name in the graph. */
    public Map<String, FloatTensor> weights() {
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        initializers.values().stream().filter(t -> t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .forEach(t -> w.put(t.getName(), new FloatTensor(Tensors.dims(t), Tensors.floats(t))));
        return w;
    }

    /** The shapes of the weights, by name (readable from {@link #structure()} too, which keeps no values). */
    public Map<String, long[]> weightShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        initializers.values().stream().filter(t -> t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .forEach(t -> shapes.put(t.getName(), Tensors.dims(t)));
        return shapes;
    }

    /** The node that computes {@code value}, or null for an input or an initializer. */
    public OnnxMl.NodeProto producer(String value) {
        return producers.get(value);
    }

    /** The ops the graph uses, sorted. */
    public Set<String> ops() {
        return graph.getNodeList().stream().map(OnnxMl.NodeProto::getOpType).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /**
     * The graph without the weights' values (their names, types and shapes stay): what a model config stores, small
     * whatever the weights' size. {@link #parse} reads it back.
     */
    public byte[] structure() {
        OnnxMl.GraphProto.Builder g = graph.toBuilder().clearInitializer();
        for (OnnxMl.TensorProto t : initializers.values()) {
            g.addInitializer(t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE
                    ? t.toBuilder().clearRawData().clearFloatData().build() : t);
        }
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray();
    }

    /**
     * Re-emits the nodes into {@code g}: {@code feeds} gives a value for each data input, {@code weights} for each
     * weight (by its name in this graph). Returns every value the nodes computed, by its name in this graph.
     */
    public Map<String, Value> replay(GraphBuilder g, Map<String, Value> feeds, Map<String, Value> weights) {
        Map<String, Value> values = new HashMap<>(feeds);
        Map<String, long[]> longs = new HashMap<>();
        for (OnnxMl.TensorProto t : initializers.values()) {
            if (t.getDataType() == OnnxMl.TensorProto.DataType.INT64_VALUE) {
                long[] v = ImportedOps.longs(t);
                longs.put(t.getName(), v);
                values.put(t.getName(), g.longs(v));
            } else {
                Value w = weights.get(t.getName());
                if (w == null) {
                    throw new IllegalArgumentException("no value for weight " + t.getName());
                }
                values.put(t.getName(), w);
            }
        }
        ImportedOps.Replay replay = new ImportedOps.Replay() {
            @Override
            public GraphBuilder g() {
                return g;
            }

            @Override
            public long[] longs(String name) {
                return longs.get(name);
            }

            @Override
            public void remember(String name, long[] v) {
                longs.put(name, v);
            }
        };
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            List<Value> in = new ArrayList<>();
            for (String name : node.getInputList()) {
                if (name.isEmpty()) {
                    in.add(null);
                    continue;
                }
                Value v = values.get(name);
                if (v == null) {
                    throw new IllegalArgumentException("node '" + node.getName() + "' reads " + name
                            + ", which is neither an input, a weight nor an earlier node's output");
                }
                in.add(v);
            }
            List<Value> out = ImportedOps.rule(node).emit(replay, in, node);
            values.put(node.getOutput(0), out.get(0));
        }
        return values;
    }

    private boolean isUsed(String value) {
        return graph.getNodeList().stream().anyMatch(n -> n.getInputList().contains(value))
                || graph.getOutputList().stream().anyMatch(o -> o.getName().equals(value));
    }
}
