package ai.factory.trainer.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.Autodiff;
import ai.factory.trainer.graph.DType;
import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;
import ai.onnx.proto.OnnxMl;

/**
 * Turns one model config into its ONNX graphs: the inference graph scorers load, the training-step graph, the
 * K-step training graph (the step as the body of a {@code Scan}), an evaluation graph (forward pass with weights
 * as inputs) and a loss-and-gradient graph for checks.
 */
public final class ModelGraphs {

    public static final String DENSE = "dense";
    public static final String SPARSE = "sparse";
    public static final String SCORE = "score";
    public static final String LABEL = "label";
    public static final String LOSS = "loss";
    /** Output name prefix of the updated value of a state input: {@code new/<input>}. */
    public static final String NEW = "new/";
    /** Output name prefix of a gradient in the gradient graph: {@code grad/<param>}. */
    public static final String GRAD = "grad/";
    /** Name prefix of everything inside the Scan body of the K-step graph. */
    private static final String STEP_SCOPE = "step.";

    private ModelGraphs() {
    }

    /**
     * The graph scorers load: {@code dense} [N,D] float, {@code sparse} [N,S] int64 in, {@code score} [N,1] out; fed
     * {@code explain = true} it also explains each score ({@link Attribution}).
     */
    public static OnnxMl.ModelProto inference(ModelConfig config, Map<String, FloatTensor> params, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("inference", DType.FLOAT);
        Value dense = g.input(DENSE, DType.FLOAT, -1, config.denseSize());
        Value sparse = g.input(SPARSE, DType.INT64, -1, config.sparseWidth());
        Map<String, Value> p = new LinkedHashMap<>();
        for (ParamSpec spec : ModelDefinition.of(config).params()) {
            FloatTensor t = params.get(spec.name());
            if (t == null) {
                throw new IllegalArgumentException("no weights for parameter " + spec.name());
            }
            p.put(spec.name(), g.initializer(spec.name(), t.shape(), t.data()));
        }
        Value logit = ModelDefinition.of(config).forward(g, dense, sparse, p);
        g.output(config.task().score(g, logit, config), SCORE);
        Attribution.addTo(g, config, dense, sparse, p);
        Map<String, String> meta = new LinkedHashMap<>(config.toProperties());
        meta.put(Attribution.METHOD, Attribution.method(config));
        meta.put(Attribution.UNITS, config.task().explainedUnits());
        meta.putAll(metadata);
        return g.buildModel(meta);
    }

    /** The forward pass with the weights as inputs named like the parameters, so one session scores any weights. */
    public static OnnxMl.ModelProto evaluation(ModelConfig config) {
        GraphBuilder g = new GraphBuilder("evaluation", DType.FLOAT);
        Value dense = g.input(DENSE, DType.FLOAT, -1, config.denseSize());
        Value sparse = g.input(SPARSE, DType.INT64, -1, config.sparseWidth());
        Map<String, Value> p = paramInputs(g, config);
        g.output(config.task().score(g, ModelDefinition.of(config).forward(g, dense, sparse, p), config), SCORE);
        return g.buildModel(config.toProperties());
    }

    /**
     * One training step: parameters, optimizer state and a batch ({@code dense}, {@code sparse}, {@code label} [N,1])
     * in; {@code loss} (mean data loss before the update), {@code score} (before the update) and
     * {@code new/<name>} for every trainable parameter and optimizer state out.
     */
    public static OnnxMl.ModelProto trainingStep(ModelConfig config) {
        GraphBuilder g = new GraphBuilder("training_step", DType.FLOAT);
        Value dense = g.input(DENSE, DType.FLOAT, -1, config.denseSize());
        Value sparse = g.input(SPARSE, DType.INT64, -1, config.sparseWidth());
        Value label = g.input(LABEL, DType.FLOAT, -1, 1);
        Map<String, Value> params = paramInputs(g, config);
        Map<String, Value> state = stateInputs(g, config);
        Step step = emitStep(g, config, dense, sparse, label, params, state);
        g.output(step.loss(), LOSS);
        g.output(step.score(), SCORE);
        step.next().forEach((name, v) -> g.output(v, NEW + name));
        return g.buildModel(config.toProperties());
    }

    /**
     * K training steps in one run: a {@code Scan} whose body is the training step, so the weights and optimizer
     * state go from one step to the next inside ONNX Runtime. Inputs as in {@link #trainingStep} but with the
     * batch stacked over steps: {@code dense} [K,N,D], {@code sparse} [K,N,S], {@code label} [K,N,1] (every step
     * the same N); outputs {@code loss} [K] and {@code score} [K,N,1] (each step's, before its update) and
     * {@code new/<name>} after the last step. Frozen parameters are read by the body from the enclosing graph.
     */
    public static OnnxMl.ModelProto trainingSteps(ModelConfig config) {
        GraphBuilder body = new GraphBuilder("training_step_body", DType.FLOAT, STEP_SCOPE);
        List<String> carried = new ArrayList<>();
        Map<String, Value> bodyParams = new LinkedHashMap<>();
        for (ParamSpec spec : ModelDefinition.of(config).params()) {
            if (config.isFrozen(spec.name())) {
                bodyParams.put(spec.name(), body.outer(spec.name(), DType.FLOAT, spec.shape()));
            } else {
                bodyParams.put(spec.name(), body.input(STEP_SCOPE + "in/" + spec.name(), DType.FLOAT, spec.shape()));
                carried.add(spec.name());
            }
        }
        Map<String, Value> bodyState = new LinkedHashMap<>();
        initialOptimizerState(config).forEach((name, t) -> {
            bodyState.put(name, body.input(STEP_SCOPE + "in/" + name, DType.FLOAT, t.shape()));
            carried.add(name);
        });
        Value stepDense = body.input(STEP_SCOPE + DENSE, DType.FLOAT, -1, config.denseSize());
        Value stepSparse = body.input(STEP_SCOPE + SPARSE, DType.INT64, -1, config.sparseWidth());
        Value stepLabel = body.input(STEP_SCOPE + LABEL, DType.FLOAT, -1, 1);
        Step step = emitStep(body, config, stepDense, stepSparse, stepLabel, bodyParams, bodyState);
        // Scan's body outputs: the loop-carried values first, in the order of its inputs, then the per-step outputs.
        carried.forEach(name -> body.output(step.next().get(name), STEP_SCOPE + "out/" + name));
        body.output(step.loss(), STEP_SCOPE + LOSS);
        body.output(step.score(), STEP_SCOPE + SCORE);

        GraphBuilder g = new GraphBuilder("training_steps", DType.FLOAT);
        Map<String, Value> outerValues = new LinkedHashMap<>(paramInputs(g, config));
        outerValues.putAll(stateInputs(g, config));
        List<Value> inputs = new ArrayList<>();
        List<Value> outputs = new ArrayList<>();
        for (String name : carried) {
            Value initial = outerValues.get(name);
            inputs.add(initial);
            outputs.add(new Value(NEW + name, DType.FLOAT, initial.dims()));
        }
        inputs.add(g.stepsInput(DENSE, DType.FLOAT, -1, config.denseSize()));
        inputs.add(g.stepsInput(SPARSE, DType.INT64, -1, config.sparseWidth()));
        inputs.add(g.stepsInput(LABEL, DType.FLOAT, -1, 1));
        outputs.add(new Value(LOSS, DType.FLOAT, new long[] {-1}));
        outputs.add(new Value(SCORE, DType.FLOAT, new long[] {-1, -1, 1}));
        List<Value> results = g.op("Scan", inputs, outputs, List.of(
                GraphBuilder.graphAttr("body", body.buildGraph()), GraphBuilder.intAttr("num_scan_inputs", 3)));
        for (int i = 0; i < carried.size(); i++) {
            g.output(results.get(i), results.get(i).name());
        }
        g.stepsOutput(results.get(carried.size()));
        g.stepsOutput(results.get(carried.size() + 1));
        return g.buildModel(config.toProperties());
    }

    /** Mean total loss (data loss plus L2) and {@code grad/<param>} of every trainable parameter, in {@code real}. */
    public static OnnxMl.ModelProto gradients(ModelConfig config, DType real) {
        GraphBuilder g = new GraphBuilder("gradients", real);
        Value dense = g.input(DENSE, real, -1, config.denseSize());
        Value sparse = g.input(SPARSE, DType.INT64, -1, config.sparseWidth());
        Value label = g.input(LABEL, real, -1, 1);
        Map<String, Value> params = paramInputs(g, config);
        ModelDefinition model = ModelDefinition.of(config);
        Value logit = model.forward(g, dense, sparse, params);
        Value total = totalLoss(g, config, config.task().loss(g, logit, label, config), params);
        g.output(total, LOSS);
        List<Value> trainable = trainable(config, params);
        Autodiff.gradients(g, total, trainable).forEach((name, grad) -> g.output(grad, GRAD + name));
        return g.buildModel(config.toProperties());
    }

    /** Names of the optimizer-state inputs of the training-step graph, with their initial values. */
    public static Map<String, FloatTensor> initialOptimizerState(ModelConfig config) {
        List<ParamSpec> trainable = ModelDefinition.of(config).params().stream().filter(p -> !config.isFrozen(p.name())).toList();
        return Optimizer.of(config).initialState(trainable);
    }

    /** What one step emits. */
    public record Step(Value loss, Value score, Map<String, Value> next) {
    }

    /** Emits forward, loss, backward and update into {@code g}; shared by the step graph and the Scan body. */
    public static Step emitStep(GraphBuilder g, ModelConfig config, Value dense, Value sparse, Value label,
                                Map<String, Value> params, Map<String, Value> state) {
        ModelDefinition model = ModelDefinition.of(config);
        Value logit = model.forward(g, dense, sparse, params);
        Value dataLoss = config.task().loss(g, logit, label, config);
        Value total = totalLoss(g, config, dataLoss, params);
        // Keyed by parameter name, not graph name: inside a Scan body the inputs carry other names.
        Map<String, Value> trainableParams = new LinkedHashMap<>();
        params.forEach((name, v) -> {
            if (!config.isFrozen(name)) {
                trainableParams.put(name, v);
            }
        });
        Map<String, Value> byGraphName = Autodiff.gradients(g, total, List.copyOf(trainableParams.values()));
        Map<String, Value> grads = new LinkedHashMap<>();
        trainableParams.forEach((name, v) -> grads.put(name, byGraphName.get(v.name())));
        Map<String, Value> next = Optimizer.of(config).update(g, trainableParams, grads, state);
        return new Step(dataLoss, config.task().score(g, logit, config), next);
    }

    private static Value totalLoss(GraphBuilder g, ModelConfig config, Value dataLoss, Map<String, Value> params) {
        if (config.l2() <= 0) {
            return dataLoss;
        }
        Value total = dataLoss;
        for (ParamSpec spec : ModelDefinition.of(config).params()) {
            if (spec.regularized() && !config.isFrozen(spec.name())) {
                Value w = params.get(spec.name());
                total = g.add(total, g.mul(g.sumAll(g.mul(w, w)), g.scalar(config.l2() / 2)));
            }
        }
        return total;
    }

    private static List<Value> trainable(ModelConfig config, Map<String, Value> params) {
        return params.entrySet().stream().filter(e -> !config.isFrozen(e.getKey())).map(Map.Entry::getValue).toList();
    }

    private static Map<String, Value> paramInputs(GraphBuilder g, ModelConfig config) {
        Map<String, Value> p = new LinkedHashMap<>();
        for (ParamSpec spec : ModelDefinition.of(config).params()) {
            p.put(spec.name(), g.input(spec.name(), g.real(), spec.shape()));
        }
        return p;
    }

    private static Map<String, Value> stateInputs(GraphBuilder g, ModelConfig config) {
        Map<String, Value> s = new LinkedHashMap<>();
        initialOptimizerState(config).forEach((name, t) -> s.put(name, g.input(name, g.real(), t.shape())));
        return s;
    }
}
