package ai.factory.trainer.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Runs a model's training steps on ONNX Runtime. With one step per run it runs the training-step graph (one call,
 * one mini-batch, one optimizer update); with K steps per run it runs the K-step graph, a {@code Scan} over up to K
 * mini-batches in one call, so weights and optimizer state stay inside ONNX Runtime between those steps.
 */
public final class TrainingSession implements AutoCloseable {

    /** The state after a step, the batch's mean loss and its scores, both from before the update. */
    public record StepResult(TrainingState state, double loss, float[] scores) {
    }

    /** The state after several steps, and each step's mean loss and scores (from before its update). */
    public record StepsResult(TrainingState state, double[] losses, List<float[]> scores) {
    }

    private final ModelConfig config;
    private final int stepsPerRun;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Device device;

    private TrainingSession(ModelConfig config, int stepsPerRun, SessionFactory sessions, OrtSession session) {
        this.config = config;
        this.stepsPerRun = stepsPerRun;
        this.env = sessions.environment();
        this.session = session;
        this.device = sessions.device();
    }

    /** A session running one step per call (the training-step graph). */
    public static TrainingSession open(ModelConfig config, SessionFactory sessions) throws OrtException {
        return open(config, sessions, 1);
    }

    /** A session running up to {@code stepsPerRun} steps per call: 1 is the training-step graph, more the K-step graph. */
    public static TrainingSession open(ModelConfig config, SessionFactory sessions, int stepsPerRun) throws OrtException {
        if (stepsPerRun < 1) {
            throw new IllegalArgumentException("steps per run must be at least 1, not " + stepsPerRun);
        }
        var graph = stepsPerRun == 1 ? ModelGraphs.trainingStep(config) : ModelGraphs.trainingSteps(config);
        return new TrainingSession(config, stepsPerRun, sessions, sessions.create(graph.toByteArray()));
    }

    /** The device the session really runs on. */
    public Device device() {
        return device;
    }

    /** Most steps one ONNX Runtime call runs. */
    public int stepsPerRun() {
        return stepsPerRun;
    }

    /** One step on {@code batch}. */
    public StepResult step(TrainingState state, Batch batch) throws OrtException {
        StepsResult r = run(state, List.of(batch));
        return new StepResult(r.state(), r.losses()[0], r.scores().get(0));
    }

    /**
     * One step per batch, in order. Consecutive batches of equal size go through one call, up to
     * {@link #stepsPerRun()} of them; with one step per run every batch is its own call.
     */
    public StepsResult steps(TrainingState state, List<Batch> batches) throws OrtException {
        TrainingState current = state;
        double[] losses = new double[batches.size()];
        List<float[]> scores = new ArrayList<>(batches.size());
        int from = 0;
        while (from < batches.size()) {
            int to = from + 1;
            while (to < batches.size() && to - from < stepsPerRun && batches.get(to).size() == batches.get(from).size()) {
                to++;
            }
            StepsResult r = run(current, batches.subList(from, to));
            System.arraycopy(r.losses(), 0, losses, from, r.losses().length);
            scores.addAll(r.scores());
            current = r.state();
            from = to;
        }
        return new StepsResult(current, losses, scores);
    }

    /** One call: the step graph for one batch, the K-step graph for up to {@link #stepsPerRun()} batches of one size. */
    private StepsResult run(TrainingState state, List<Batch> batches) throws OrtException {
        int k = batches.size();
        int n = batches.get(0).size();
        long[] lead = stepsPerRun == 1 ? new long[] {n} : new long[] {k, n};
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            inputs.put(ModelGraphs.DENSE, own(owned, OrtTensors.floats(env, stack(batches, Batch::dense), shape(lead, config.denseSize()))));
            inputs.put(ModelGraphs.SPARSE, own(owned, OrtTensors.longs(env, stackLongs(batches), shape(lead, config.sparseWidth()))));
            inputs.put(ModelGraphs.LABEL, own(owned, OrtTensors.floats(env, stack(batches, Batch::labels), shape(lead, 1))));
            for (Map.Entry<String, FloatTensor> e : state.all().entrySet()) {
                inputs.put(e.getKey(), own(owned, OrtTensors.of(env, e.getValue())));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                Map<String, FloatTensor> params = new LinkedHashMap<>(state.params());
                Map<String, FloatTensor> optimizer = new LinkedHashMap<>(state.optimizer());
                for (String name : state.params().keySet()) {
                    result.get(ModelGraphs.NEW + name).ifPresent(v -> params.put(name, OrtTensors.tensor(v)));
                }
                for (String name : state.optimizer().keySet()) {
                    result.get(ModelGraphs.NEW + name).ifPresent(v -> optimizer.put(name, OrtTensors.tensor(v)));
                }
                float[] loss = OrtTensors.floats(result.get(ModelGraphs.LOSS).orElseThrow());
                float[] score = OrtTensors.floats(result.get(ModelGraphs.SCORE).orElseThrow());
                double[] losses = new double[k];
                List<float[]> scores = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    losses[i] = loss[i];
                    float[] stepScores = new float[n];
                    System.arraycopy(score, i * n, stepScores, 0, n);
                    scores.add(stepScores);
                }
                return new StepsResult(new TrainingState(params, optimizer), losses, scores);
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    private static long[] shape(long[] lead, long width) {
        long[] shape = Arrays.copyOf(lead, lead.length + 1);
        shape[lead.length] = width;
        return shape;
    }

    private static float[] stack(List<Batch> batches, Function<Batch, float[]> part) {
        if (batches.size() == 1) {
            return part.apply(batches.get(0));
        }
        int length = part.apply(batches.get(0)).length;
        float[] out = new float[length * batches.size()];
        for (int i = 0; i < batches.size(); i++) {
            System.arraycopy(part.apply(batches.get(i)), 0, out, i * length, length);
        }
        return out;
    }

    private static long[] stackLongs(List<Batch> batches) {
        if (batches.size() == 1) {
            return batches.get(0).sparse();
        }
        int length = batches.get(0).sparse().length;
        long[] out = new long[length * batches.size()];
        for (int i = 0; i < batches.size(); i++) {
            System.arraycopy(batches.get(i).sparse(), 0, out, i * length, length);
        }
        return out;
    }

    static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
