package ai.factory.trainer.imported;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.trainer.graph.DType;
import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelDefinition;
import ai.factory.trainer.model.ParamSpec;
import ai.onnx.proto.OnnxMl;

/**
 * A model trained elsewhere, as a model kind: its weights are the parameters, its nodes the forward pass (re-emitted
 * op by op, so the trainer's autodiff differentiates them), fed from the spec's dense vector and hashed ids as its
 * {@link InputMapping} says. The raw output is a logit: a final Sigmoid or two-class Softmax is read through to its
 * input.
 *
 * <p>For explanations, a sparse slot's vector is its indicator over the ids the graph reads ([N, S, ids]): the head sums
 * the slots into one indicator per id, so each slot's part is what its id contributes.
 */
public final class ImportedModel implements ModelDefinition {

    /** Names the project's graphs use for their own inputs, outputs and scopes: a weight may not take one. */
    private static final Set<String> RESERVED = Set.of("dense", "sparse", "label", "score", "loss", "explain", "explained",
            "baseline", "contributions");
    private static final List<String> RESERVED_PREFIXES = List.of("step.", "explain.", "none.", "adam.", "adagrad.");

    /** Ops that hand their input on unchanged at inference. */
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Dropout");

    private final ModelConfig config;
    private final ForeignGraph graph;
    private final InputMapping mapping;
    private final long[] sparseIds;

    public ImportedModel(ModelConfig config) {
        if (config.imported() == null) {
            throw new IllegalArgumentException("an imported model's graph comes with its release: import it (factory models import) "
                    + "and warm-start from it");
        }
        this.config = config;
        this.graph = ForeignGraph.parse(Base64.getDecoder().decode(config.imported().graph()));
        this.mapping = InputMapping.parse(config.imported().mapping(), graph, config);
        this.sparseIds = mapping.sparseIds();
        for (String name : graph.weightShapes().keySet()) {
            if (RESERVED.contains(name) || name.contains("/") || RESERVED_PREFIXES.stream().anyMatch(name::startsWith)) {
                throw new IllegalArgumentException("the graph's weight '" + name + "' has a name the trainer's graphs use; rename it");
            }
        }
        checkOutput();
    }

    /** The graph the config carries, for callers that need more than the definition (its weights' names, its ops). */
    public ForeignGraph graph() {
        return graph;
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> p = new ArrayList<>();
        // Imported weights are always given; the init scale only matters to a fresh start, which starts at zero.
        graph.weightShapes().forEach((name, shape) -> p.add(new ParamSpec(name, shape, 0, shape.length >= 2)));
        return p;
    }

    @Override
    public Value embed(GraphBuilder g, Value sparse, Map<String, Value> params) {
        Value slots = g.unsqueezeLast(sparse);                                                    // [N, S, 1]
        if (sparseIds.length == 0) {
            return g.mul(g.cast(slots, g.real()), g.scalar(0));                                   // [N, S, 1] of zeros
        }
        long[] dims = {sparse.dim(0), sparse.dim(1), sparseIds.length};
        Value hit = g.op("Equal", List.of(slots, g.longs(sparseIds)), DType.BOOL, dims, List.of());
        return g.cast(hit, g.real());                                                            // [N, S, ids]
    }

    @Override
    public Value head(GraphBuilder g, Value dense, Value embedded, Map<String, Value> params) {
        Value indicators = sparseIds.length == 0 ? null : g.reshape(g.reduceSum(embedded, 1), -1, sparseIds.length);
        Map<String, Value> feeds = new LinkedHashMap<>();
        mapping.inputs().forEach((name, columns) -> feeds.put(name, columns.equals(InputMapping.WHOLE_DENSE) ? dense
                : columnsOf(g, dense, indicators, columns)));
        Map<String, Value> values = graph.replay(g, feeds, params);
        return logit(g, values);
    }

    @Override
    public int slotWidth() {
        return Math.max(1, sparseIds.length);
    }

    /** Nothing is known of the graph's linearity: the deep models' integration steps. */
    @Override
    public int attributionSteps() {
        return ai.factory.trainer.model.DeepModel.ATTRIBUTION_STEPS;
    }

    /** One rate for every weight: the graph is not split into parts that learn apart. */
    @Override
    public double learningRate(String name) {
        return config.learningRate();
    }

    /** No rescaling: an imported model keeps the label scale it was imported with. */
    @Override
    public List<String> outputWeights() {
        throw new UnsupportedOperationException("an imported model keeps the label scale it was imported with");
    }

    @Override
    public String outputBias() {
        throw new UnsupportedOperationException("an imported model keeps the label scale it was imported with");
    }

    /** An input's columns: dense values and sparse indicators, each placed by a constant 0/1 matrix (so gradients flow). */
    private Value columnsOf(GraphBuilder g, Value dense, Value indicators, List<InputMapping.Column> columns) {
        int width = columns.size();
        float[] fromDense = new float[config.denseSize() * width];
        float[] fromSparse = new float[sparseIds.length * width];
        boolean anyDense = false;
        boolean anySparse = false;
        for (int c = 0; c < width; c++) {
            InputMapping.Column col = columns.get(c);
            if (col.dense()) {
                fromDense[col.index() * width + c] = 1;
                anyDense = true;
            } else {
                fromSparse[java.util.Arrays.binarySearch(sparseIds, col.index()) * width + c] = 1;
                anySparse = true;
            }
        }
        Value x = null;
        if (anyDense) {
            x = g.matMul(dense, g.constant(new long[] {config.denseSize(), width}, fromDense));
        }
        if (anySparse) {
            Value s = g.matMul(indicators, g.constant(new long[] {sparseIds.length, width}, fromSparse));
            x = x == null ? s : g.add(x, s);
        }
        return x;
    }

    /**
     * The logit of the mapped output: read through a final Sigmoid, or a two-class Softmax (the difference of its
     * inputs), also when Identity or Dropout nodes follow it; any other output of one column is taken as the raw output
     * itself.
     */
    private Value logit(GraphBuilder g, Map<String, Value> values) {
        OnnxMl.NodeProto last = graph.producer(mapping.output());
        Value out = values.get(mapping.output());
        // Tools name their output with a last Identity (Tribuo: Softmax, then Identity to "output"): look through it.
        while (last != null && PASS_THROUGH.contains(last.getOpType()) && graph.producer(last.getInput(0)) != null) {
            out = values.get(last.getInput(0));
            last = graph.producer(last.getInput(0));
        }
        if (last != null && last.getOpType().equals("Softmax")) {
            Value z = values.get(last.getInput(0));
            int c = mapping.positiveClass();
            float[] difference = new float[2];
            difference[c] = 1;
            difference[1 - c] = -1;
            return g.matMul(z, g.constant(new long[] {2, 1}, difference));
        }
        boolean sigmoid = last != null && last.getOpType().equals("Sigmoid");
        if (sigmoid) {
            out = values.get(last.getInput(0));
        }
        if (out.rank() != 2 || (out.dim(1) != 1 && !(sigmoid && out.dim(1) == 2))) {
            throw new IllegalArgumentException("the output '" + mapping.output() + "' is " + out + ": an imported model's "
                    + "prediction is one column, or two from a Softmax or a Sigmoid (positive_class picks one)");
        }
        if (out.dim(1) == 2) {
            // Independent sigmoids per class: the positive class's own logit.
            float[] pick = new float[2];
            pick[mapping.positiveClass()] = 1;
            return g.matMul(out, g.constant(new long[] {2, 1}, pick));
        }
        return out;
    }

    private void checkOutput() {
        OnnxMl.NodeProto last = graph.producer(mapping.output());
        if (last == null) {
            throw new IllegalArgumentException("the output '" + mapping.output() + "' is not computed by any node");
        }
    }
}
