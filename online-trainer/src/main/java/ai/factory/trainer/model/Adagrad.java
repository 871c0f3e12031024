package ai.factory.trainer.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** Adagrad: per-coordinate step lr / sqrt(sum of squared gradients), the FTRL-style choice for sparse ids. */
public final class Adagrad implements Optimizer {

    /**
     * Starting accumulator: only keeps the first step of a coordinate finite (a step is at most lr anyway). It must stay
     * far below the squared mean-over-the-batch gradient of a hashed id seen once in a batch (about (0.5/256)^2 = 4e-6
     * at batch 256); at 0.1 it dominated that for thousands of steps and turned Adagrad into plain SGD at a tiny rate
     * for every sparse weight (DelayedLabelReplay on the flights sample: progressive log loss 0.521 at 0.1, 0.506 at 1e-4).
     */
    public static final float INITIAL_ACCUMULATOR = 1e-4f;
    private static final double EPSILON = 1e-7;

    private final ToDoubleFunction<String> learningRates;

    /** Adagrad with each parameter's learning rate given by name. */
    public Adagrad(ToDoubleFunction<String> learningRates) {
        this.learningRates = learningRates;
    }

    public Adagrad(double learningRate) {
        this(name -> learningRate);
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
            Value step = g.div(g.mul(grad, g.scalar(learningRates.applyAsDouble(name))), g.add(g.sqrt(acc), g.scalar(EPSILON)));
            next.put(name, g.sub(w, step));
            next.put(accumulator(name), acc);
        });
        return next;
    }
}
