package ai.factory.trainer.model;

import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** An update rule emitted as ONNX ops: parameters, gradients and optimizer state in, new values out. */
public interface Optimizer {

    /** Initial optimizer state for the trainable parameters, keyed by graph input name. */
    Map<String, FloatTensor> initialState(List<ParamSpec> trainable);

    /**
     * Emits one update. {@code state} holds a value for every key of {@link #initialState}; the result maps
     * every parameter name and state name to its new value.
     */
    Map<String, Value> update(GraphBuilder g, Map<String, Value> params, Map<String, Value> grads, Map<String, Value> state);

    /** The optimizer a config asks for. */
    static Optimizer of(ModelConfig config) {
        ModelDefinition model = ModelDefinition.of(config);
        return switch (config.optimizer()) {
            case ADAGRAD -> new Adagrad(model::learningRate);
            case ADAM -> new Adam(model::learningRate);
        };
    }
}
