package ai.factory.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.Autodiff;
import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/**
 * Splits a model's explained output (a binary score's logit, a numeric score) into a baseline and one part per input
 * slot, dense slots first: integrated gradients along the straight path from the all-zero input (dense values at their
 * standardised mean, every sparse slot's vector zero), emitted with the graph builder's own autodiff so ONNX Runtime
 * computes it beside the score. The parts add up to output minus baseline: exactly for a linear model, where one step is
 * weight x value, and up to the path's discretisation for a deep one ({@link ModelDefinition#attributionSteps()}).
 */
public final class Attribution {

    /** The inference graph's switch: feed {@code true} to compute the outputs below; unfed it is {@code false}. */
    public static final String FLAG = "explain";
    /** [R, 1]: the explained output of each row (R is N when explaining, 0 otherwise). */
    public static final String EXPLAINED = "explained";
    /** [R', 1]: the explained output of the all-zero input (one row when explaining). */
    public static final String BASELINE = "baseline";
    /** [R, D + S]: each slot's part of the explained output, dense slots then sparse slots. */
    public static final String CONTRIBUTIONS = "contributions";
    /** ONNX metadata key of the slot names: D + S comma-separated spec features, in the order of the parts. */
    public static final String SLOT_FEATURES = "slot_features";
    /** ONNX metadata key of how the parts were computed (the explanation's {@code method}). */
    public static final String METHOD = "explanation_method";
    /** ONNX metadata key of the parts' units (the explanation's {@code units}). */
    public static final String UNITS = "explanation_units";

    private static final String ROWS = "R";

    private Attribution() {
    }

    /** What {@link #emit} adds to a graph. */
    record Parts(Value explained, Value baseline, Value contributions) {
    }

    /** How a model of this config is explained: {@code exact} or {@code integrated-gradients/M}. */
    public static String method(ModelConfig config) {
        int steps = ModelDefinition.of(config).attributionSteps();
        return steps == 1 ? "exact" : "integrated-gradients/" + steps;
    }

    /**
     * Adds the attribution to inference graph {@code g} behind an {@code If} on the {@value #FLAG} input, so a run that
     * does not ask for it pays nothing: ONNX Runtime runs only the branch taken. {@code params} are {@code g}'s values of
     * the parameters, which the branch reads from the enclosing graph by name.
     */
    static void addTo(GraphBuilder g, ModelConfig config, Value dense, Value sparse, Map<String, Value> params) {
        Value flag = g.flag(FLAG, false);
        int slots = config.denseSize() + config.sparseWidth();

        GraphBuilder explain = new GraphBuilder("explain", g.real(), "explain.");
        Map<String, Value> outerParams = new java.util.LinkedHashMap<>();
        params.forEach((name, v) -> outerParams.put(name, explain.outer(v.name(), v.type(), v.dims())));
        Parts parts = emit(explain, config, explain.outer(dense.name(), dense.type(), dense.dims()),
                explain.outer(sparse.name(), sparse.type(), sparse.dims()), outerParams);
        explain.output(parts.explained(), "explain.out/" + EXPLAINED);
        explain.output(parts.baseline(), "explain.out/" + BASELINE);
        explain.output(parts.contributions(), "explain.out/" + CONTRIBUTIONS);

        GraphBuilder none = new GraphBuilder("no_explanation", g.real(), "none.");
        none.output(none.constant(new long[] {0, 1}, new float[0]), "none.out/" + EXPLAINED);
        none.output(none.constant(new long[] {0, 1}, new float[0]), "none.out/" + BASELINE);
        none.output(none.constant(new long[] {0, slots}, new float[0]), "none.out/" + CONTRIBUTIONS);

        List<Value> results = g.op("If", List.of(flag), List.of(
                        new Value("if/" + EXPLAINED, g.real(), new long[] {-1, 1}),
                        new Value("if/" + BASELINE, g.real(), new long[] {-1, 1}),
                        new Value("if/" + CONTRIBUTIONS, g.real(), new long[] {-1, slots})),
                List.of(GraphBuilder.graphAttr("then_branch", explain.buildGraph()),
                        GraphBuilder.graphAttr("else_branch", none.buildGraph())));
        g.output(results.get(0), EXPLAINED, ROWS);
        g.output(results.get(1), BASELINE, ROWS);
        g.output(results.get(2), CONTRIBUTIONS, ROWS);
    }

    /** Emits the explained output [N, 1], the baseline [1, 1] and the parts [N, D + S] into {@code g}. */
    static Parts emit(GraphBuilder g, ModelConfig config, Value dense, Value sparse, Map<String, Value> params) {
        ModelDefinition model = ModelDefinition.of(config);
        Task task = config.task();
        int steps = model.attributionSteps();
        int d = config.denseSize();
        int s = config.sparseWidth();
        int w = model.slotWidth();
        float[] alphas = new float[steps];
        for (int k = 0; k < steps; k++) {
            alphas[k] = (k + 0.5f) / steps;   // midpoints: one step is exact for a linear model
        }
        Value embedded = model.embed(g, sparse, params);                                          // [N, S, w]
        // Every step's scaled copy of the batch in one tall batch [steps * N, ...]: one forward, one backward.
        Value pathEmbedded = g.reshape(g.mul(g.constant(new long[] {steps, 1, 1, 1}, alphas), embedded), -1, s, w);
        Value pathDense = d > 0 ? g.reshape(g.mul(g.constant(new long[] {steps, 1, 1}, alphas), dense), -1, d) : dense;
        Value along = g.sumAll(model.head(g, pathDense, pathEmbedded, params));
        List<Value> wrt = new ArrayList<>(List.of(pathEmbedded));
        if (d > 0) {
            wrt.add(pathDense);
        }
        Map<String, Value> grads = Autodiff.gradients(g, along, wrt);

        Value slopeEmbedded = g.reshape(g.reduceSum(g.reshape(grads.get(pathEmbedded.name()), steps, -1, s, w), 0), -1, s, w);
        Value parts = g.reshape(g.reduceSum(g.mul(slopeEmbedded, embedded), 2), -1, s);            // [N, S]
        if (d > 0) {
            Value slopeDense = g.reshape(g.reduceSum(g.reshape(grads.get(pathDense.name()), steps, -1, d), 0), -1, d);
            parts = g.concat(1, List.of(g.mul(slopeDense, dense), parts));                         // [N, D + S]
        }
        // The sums over steps become means, in the explained output's units.
        parts = g.mul(parts, g.scalar(task.explainedPerRaw(config) / steps));

        Value zeroDense = g.constant(new long[] {1, d}, new float[d]);
        Value zeroEmbedded = g.constant(new long[] {1, s, w}, new float[s * w]);
        Value baseline = task.explained(g, model.head(g, zeroDense, zeroEmbedded, params), config);
        Value explained = task.explained(g, model.head(g, dense, embedded, params), config);
        return new Parts(explained, baseline, parts);
    }
}
