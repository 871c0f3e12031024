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
    private final String sparseWeights;
    private final String denseWeights;
    private final String bias;

    public LogisticModel(ModelConfig config) {
        this(config, SPARSE_WEIGHTS, DENSE_WEIGHTS, BIAS);
    }

    /** The same model with its parameters named otherwise: the wide part of {@link WideDeepModel}. */
    LogisticModel(ModelConfig config, String sparseWeights, String denseWeights, String bias) {
        this.config = config;
        this.sparseWeights = sparseWeights;
        this.denseWeights = denseWeights;
        this.bias = bias;
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> p = weights();
        p.add(biasParam());
        return p;
    }

    /** The weights, bias excluded: all the parameters {@link #linear} reads. */
    List<ParamSpec> weights() {
        List<ParamSpec> p = new ArrayList<>();
        p.add(new ParamSpec(sparseWeights, new long[] {config.buckets(), 1}, 0, true));
        if (config.denseSize() > 0) {
            p.add(new ParamSpec(denseWeights, new long[] {config.denseSize(), 1}, 0, true));
        }
        return p;
    }

    ParamSpec biasParam() {
        return new ParamSpec(bias, new long[] {1}, 0, false);
    }

    @Override
    public Value embed(GraphBuilder g, Value sparse, Map<String, Value> params) {
        return g.gather(params.get(sparseWeights), sparse);                      // [N, S, 1]: each id's weight
    }

    @Override
    public Value head(GraphBuilder g, Value dense, Value picked, Map<String, Value> params) {
        return g.add(linear(g, dense, picked, params), params.get(bias));
    }

    /** The raw output without its bias: the picked ids' weights [N, S, 1] summed, plus dense · w. */
    Value linear(GraphBuilder g, Value dense, Value picked, Map<String, Value> params) {
        Value z = g.reshape(g.reduceSum(picked, 1), -1, 1);                      // [N, 1]
        if (config.denseSize() > 0) {
            z = g.add(z, g.matMul(dense, params.get(denseWeights)));
        }
        return z;
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
        return weights().stream().map(ParamSpec::name).toList();
    }

    @Override
    public String outputBias() {
        return bias;
    }

    @Override
    public double learningRate(String name) {
        return config.learningRate();
    }
}
