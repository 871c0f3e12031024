package ai.factory.trainer.model;

import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** A model family: its parameters and its forward pass from the contract's inputs to a raw output [N, 1]. */
public interface ModelDefinition {

    /** The trainable tensors, in a fixed order. */
    List<ParamSpec> params();

    /** Emits the forward pass; {@code params} maps parameter names to graph values (inputs or initializers). */
    Value forward(GraphBuilder g, Value dense, Value sparse, Map<String, Value> params);

    /** The parameters of the last linear map to the raw output (all of them for a linear model), bias excluded. */
    List<String> outputWeights();

    /** The bias of the raw output. */
    String outputBias();

    /** The definition a config describes. */
    static ModelDefinition of(ModelConfig config) {
        return switch (config.kind()) {
            case LOGISTIC -> new LogisticModel(config);
            case DEEP -> new DeepModel(config);
        };
    }
}
