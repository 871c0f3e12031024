package ai.factory.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** z = sum of one weight per hashed sparse id + dense · w + b. */
public final class LogisticModel implements ModelDefinition {

    public static final String SPARSE_WEIGHTS = "logistic.sparse_w";
    public static final String DENSE_WEIGHTS = "logistic.dense_w";
    public static final String BIAS = "logistic.bias";

    private final ModelConfig config;

    public LogisticModel(ModelConfig config) {
        this.config = config;
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> p = new ArrayList<>();
        p.add(new ParamSpec(SPARSE_WEIGHTS, new long[] {config.buckets(), 1}, 0, true));
        if (config.denseSize() > 0) {
            p.add(new ParamSpec(DENSE_WEIGHTS, new long[] {config.denseSize(), 1}, 0, true));
        }
        p.add(new ParamSpec(BIAS, new long[] {1}, 0, false));
        return p;
    }

    @Override
    public Value embed(GraphBuilder g, Value sparse, Map<String, Value> params) {
        return g.gather(params.get(SPARSE_WEIGHTS), sparse);                     // [N, S, 1]: each id's weight
    }

    @Override
    public Value head(GraphBuilder g, Value dense, Value picked, Map<String, Value> params) {
        Value z = g.reshape(g.reduceSum(picked, 1), -1, 1);                      // [N, 1]
        if (config.denseSize() > 0) {
            z = g.add(z, g.matMul(dense, params.get(DENSE_WEIGHTS)));
        }
        return g.add(z, params.get(BIAS));
    }

    @Override
    public int slotWidth() {
        return 1;
    }

    /** Linear in the dense values and the picked weights: one step gives weight x value exactly. */
    @Override
    public int attributionSteps() {
        return 1;
    }

    @Override
    public List<String> outputWeights() {
        return params().stream().map(ParamSpec::name).filter(n -> !n.equals(BIAS)).toList();
    }

    @Override
    public String outputBias() {
        return BIAS;
    }

    @Override
    public double learningRate(String name) {
        return config.learningRate();
    }
}
