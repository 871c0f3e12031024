package ai.factory.trainer.model;

import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** The ReLU layers of the deep kinds over the ids' embeddings and the dense values, named {@code deep.layerI.w|b}. */
final class HiddenLayers {

    private HiddenLayers() {
    }

    static String weights(int layer) {
        return "deep.layer" + layer + ".w";
    }

    static String bias(int layer) {
        return "deep.layer" + layer + ".b";
    }

    /** The layers' input width: every slot's embedding, then the dense values. */
    static long inputWidth(ModelConfig config) {
        return (long) config.sparseWidth() * config.embeddingDim() + config.denseSize();
    }

    /** Adds the layers' parameters ({@code config.hidden()} widths, He init) and returns the last layer's width. */
    static long addParams(List<ParamSpec> into, ModelConfig config) {
        long in = inputWidth(config);
        for (int i = 0; i < config.hidden().size(); i++) {
            long out = config.hidden().get(i);
            into.add(new ParamSpec(weights(i), new long[] {in, out}, Math.sqrt(2.0 / in), true)); // He init for ReLU
            into.add(new ParamSpec(bias(i), new long[] {out}, 0, false));
            in = out;
        }
        return in;
    }

    /** Emits the layers over the embeddings [N, S, k] and the dense values [N, D]: the last hidden activations. */
    static Value forward(GraphBuilder g, Value embeddings, Value dense, ModelConfig config, Map<String, Value> params) {
        Value x = g.reshape(embeddings, -1, (long) config.sparseWidth() * config.embeddingDim());  // [N, S*k]
        if (config.denseSize() > 0) {
            x = g.concat(1, List.of(x, dense));
        }
        for (int i = 0; i < config.hidden().size(); i++) {
            x = g.relu(g.add(g.matMul(x, params.get(weights(i))), params.get(bias(i))));
        }
        return x;
    }
}
