package ai.factory.trainer.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** Adagrad: per-coordinate step lr / sqrt(sum of squared gradients), the FTRL-style choice for sparse ids. */
public final class Adagrad implements Optimizer {

    /** Starting accumulator, so the first steps are not huge. */
    public static final float INITIAL_ACCUMULATOR = 0.1f;
    private static final double EPSILON = 1e-7;

    private final double learningRate;

    public Adagrad(double learningRate) {
        this.learningRate = learningRate;
    }

    public static String accumulator(String param) {
        return "adagrad.acc/" + param;
    }

    @Override
    public Map<String, FloatTensor> initialState(List<ParamSpec> trainable) {
        Map<String, FloatTensor> s = new LinkedHashMap<>();
        trainable.forEach(p -> s.put(accumulator(p.name()), FloatTensor.filled(INITIAL_ACCUMULATOR, p.shape())));
        return s;
    }

    @Override
    public Map<String, Value> update(GraphBuilder g, Map<String, Value> params, Map<String, Value> grads, Map<String, Value> state) {
        Map<String, Value> next = new LinkedHashMap<>();
        params.forEach((name, w) -> {
            Value grad = grads.get(name);
            Value acc = g.add(state.get(accumulator(name)), g.mul(grad, grad));
            Value step = g.div(g.mul(grad, g.scalar(learningRate)), g.add(g.sqrt(acc), g.scalar(EPSILON)));
            next.put(name, g.sub(w, step));
            next.put(accumulator(name), acc);
        });
        return next;
    }
}
