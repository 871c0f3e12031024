package ai.factory.trainer.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** A model family: its parameters and its forward pass from the contract's inputs to a raw output [N, 1]. */
public interface ModelDefinition {

    /** The trainable tensors, in a fixed order. */
    List<ParamSpec> params();

    /**
     * Emits the forward pass; {@code params} maps parameter names to graph values (inputs or initializers). It is the
     * head over the embedded ids: the split lets an attribution differentiate by each slot's vector.
     */
    default Value forward(GraphBuilder g, Value dense, Value sparse, Map<String, Value> params) {
        return head(g, dense, embed(g, sparse, params), params);
    }

    /** Emits what the model reads of each sparse id: [N, S, {@link #slotWidth()}]. */
    Value embed(GraphBuilder g, Value sparse, Map<String, Value> params);

    /** Emits the raw output [N, 1] from the dense features [N, D] and the embedded ids [N, S, w]. */
    Value head(GraphBuilder g, Value dense, Value embedded, Map<String, Value> params);

    /** The width of one sparse slot's vector in {@link #embed}. */
    int slotWidth();

    /**
     * Steps of the integrated-gradients path an explanation takes: 1 for a model linear in its inputs, where one step
     * is exact (weight x value), more for one that is not.
     */
    int attributionSteps();

    /** The parameters of the last linear map to the raw output (all of them for a linear model), bias excluded. */
    List<String> outputWeights();

    /** The bias of the raw output. */
    String outputBias();

    /** The learning rate of parameter {@code name}: the config's, unless the model trains its parts at different rates. */
    double learningRate(String name);

    /**
     * Parameters this kind gained after releases of it were published, each such that at zero the model is exactly
     * what those releases are: an older release lacking one reads with it at zero.
     */
    default Set<String> addedLater() {
        return Set.of();
    }

    /** The definition a config describes. */
    static ModelDefinition of(ModelConfig config) {
        return switch (config.kind()) {
            case LOGISTIC -> new LogisticModel(config);
            case DEEP -> new DeepModel(config);
            case WIDE_DEEP -> new WideDeepModel(config);
            case IMPORTED -> new ai.factory.trainer.imported.ImportedModel(config);
        };
    }
}
