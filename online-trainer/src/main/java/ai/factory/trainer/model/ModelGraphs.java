package ai.factory.trainer.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.graph.Autodiff;
import ai.factory.trainer.graph.DType;
import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;
import ai.onnx.proto.OnnxMl;

/**
 * Turns one model config into its ONNX graphs: the inference graph scorers load, the training-step graph,
 * an evaluation graph (forward pass with weights as inputs) and a loss-and-gradient graph for checks.
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

    private ModelGraphs() {
    }

    /** The graph scorers load: {@code dense} [N,D] float, {@code sparse} [N,S] int64 in, {@code score} [N,1] out. */
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
        g.output(config.task().score(g, logit), SCORE);
        Map<String, String> meta = new LinkedHashMap<>(config.toProperties());
        meta.putAll(metadata);
        return g.buildModel(meta);
    }

    /** The forward pass with the weights as inputs named like the parameters, so one session scores any weights. */
    public static OnnxMl.ModelProto evaluation(ModelConfig config) {
        GraphBuilder g = new GraphBuilder("evaluation", DType.FLOAT);
        Value dense = g.input(DENSE, DType.FLOAT, -1, config.denseSize());
        Value sparse = g.input(SPARSE, DType.INT64, -1, config.sparseWidth());
        Map<String, Value> p = paramInputs(g, config);
        g.output(config.task().score(g, ModelDefinition.of(config).forward(g, dense, sparse, p)), SCORE);
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

    /** Mean total loss (data loss plus L2) and {@code grad/<param>} of every trainable parameter, in {@code real}. */
    public static OnnxMl.ModelProto gradients(ModelConfig config, DType real) {
        GraphBuilder g = new GraphBuilder("gradients", real);
        Value dense = g.input(DENSE, real, -1, config.denseSize());
        Value sparse = g.input(SPARSE, DType.INT64, -1, config.sparseWidth());
        Value label = g.input(LABEL, real, -1, 1);
        Map<String, Value> params = paramInputs(g, config);
        ModelDefinition model = ModelDefinition.of(config);
        Value logit = model.forward(g, dense, sparse, params);
        Value total = totalLoss(g, config, config.task().loss(g, logit, label), params);
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
        Value dataLoss = config.task().loss(g, logit, label);
        Value total = totalLoss(g, config, dataLoss, params);
        List<Value> trainable = trainable(config, params);
        Map<String, Value> grads = Autodiff.gradients(g, total, trainable);
        Map<String, Value> trainableParams = new LinkedHashMap<>();
        trainable.forEach(v -> trainableParams.put(v.name(), v));
        Map<String, Value> next = Optimizer.of(config).update(g, trainableParams, grads, state);
        return new Step(dataLoss, config.task().score(g, logit), next);
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
