package ai.factory.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** Embeddings of the sparse ids, concatenated with the dense features, through ReLU layers to one output. */
public final class DeepModel implements ModelDefinition {

    public static final String EMBEDDING = "deep.embedding";
    /** Prefix of the output layer's parameters: freeze everything else to train only the head. */
    public static final String HEAD = "deep.head.";

    private final ModelConfig config;

    public DeepModel(ModelConfig config) {
        this.config = config;
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> p = new ArrayList<>();
        p.add(new ParamSpec(EMBEDDING, new long[] {config.buckets(), config.embeddingDim()}, 0.05, true));
        long in = HiddenLayers.addParams(p, config);
        p.add(new ParamSpec(HEAD + "w", new long[] {in, 1}, Math.sqrt(1.0 / in), true));
        p.add(new ParamSpec(HEAD + "b", new long[] {1}, 0, false));
        return p;
    }

    /** Integration steps of an explanation: completeness within 1e-2 of the logit on the tests' models. */
    public static final int ATTRIBUTION_STEPS = 16;

    @Override
    public Value embed(GraphBuilder g, Value sparse, Map<String, Value> params) {
        return g.gather(params.get(EMBEDDING), sparse);                                  // [N, S, k]
    }

    @Override
    public Value head(GraphBuilder g, Value dense, Value embeddings, Map<String, Value> params) {
        Value x = HiddenLayers.forward(g, embeddings, dense, config, params);
        return g.add(g.matMul(x, params.get(HEAD + "w")), params.get(HEAD + "b"));
    }

    @Override
    public int slotWidth() {
        return config.embeddingDim();
    }

    @Override
    public int attributionSteps() {
        return ATTRIBUTION_STEPS;
    }

    @Override
    public List<String> outputWeights() {
        return List.of(HEAD + "w");
    }

    @Override
    public String outputBias() {
        return HEAD + "b";
    }

    @Override
    public double learningRate(String name) {
        return config.learningRate();
    }
}
