package ai.factory.trainer.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** Adam with bias correction (beta1 0.9, beta2 0.999); the step count is part of the state. */
public final class Adam implements Optimizer {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;
    public static final String STEP = "adam.t";

    private final ToDoubleFunction<String> learningRates;

    /** Adam with each parameter's learning rate given by name (one model may train its parts at different rates). */
    public Adam(ToDoubleFunction<String> learningRates) {
        this.learningRates = learningRates;
    }

    public Adam(double learningRate) {
        this(name -> learningRate);
    }

    public static String firstMoment(String param) {
        return "adam.m/" + param;
    }

    public static String secondMoment(String param) {
        return "adam.v/" + param;
    }

    @Override
    public Map<String, FloatTensor> initialState(List<ParamSpec> trainable) {
        Map<String, FloatTensor> s = new LinkedHashMap<>();
        s.put(STEP, FloatTensor.zeros());
        trainable.forEach(p -> {
            s.put(firstMoment(p.name()), FloatTensor.zeros(p.shape()));
            s.put(secondMoment(p.name()), FloatTensor.zeros(p.shape()));
        });
        return s;
    }

    @Override
    public Map<String, Value> update(GraphBuilder g, Map<String, Value> params, Map<String, Value> grads, Map<String, Value> state) {
        Map<String, Value> next = new LinkedHashMap<>();
        Value t = g.add(state.get(STEP), g.scalar(1));
        next.put(STEP, t);
        // lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
        Value correction1 = g.sub(g.scalar(1), pow(g, BETA1, t));
        Value correction2 = g.sub(g.scalar(1), pow(g, BETA2, t));
        Value root2 = g.sqrt(correction2);
        params.forEach((name, w) -> {
            Value rate = g.div(g.mul(g.scalar(learningRates.applyAsDouble(name)), root2), correction1);
            Value grad = grads.get(name);
            Value m = g.add(g.mul(state.get(firstMoment(name)), g.scalar(BETA1)), g.mul(grad, g.scalar(1 - BETA1)));
            Value v = g.add(g.mul(state.get(secondMoment(name)), g.scalar(BETA2)), g.mul(g.mul(grad, grad), g.scalar(1 - BETA2)));
            Value step = g.div(g.mul(m, rate), g.add(g.sqrt(v), g.scalar(EPSILON)));
            next.put(name, g.sub(w, step));
            next.put(firstMoment(name), m);
            next.put(secondMoment(name), v);
        });
        return next;
    }

    private static Value pow(GraphBuilder g, double base, Value exponent) {
        return g.op("Pow", List.of(g.scalar(base), exponent), g.real(), new long[0], List.of());
    }
}
