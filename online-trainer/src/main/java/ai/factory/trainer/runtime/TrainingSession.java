package ai.factory.trainer.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** Runs a model's training-step graph on ONNX Runtime: one call, one mini-batch, one optimizer update. */
public final class TrainingSession implements AutoCloseable {

    /** The state after a step, the batch's mean loss and its scores, both from before the update. */
    public record StepResult(TrainingState state, double loss, float[] scores) {
    }

    private final ModelConfig config;
    private final OrtEnvironment env = OrtEnvironments.get();
    private final SessionFactory.Opened opened;

    private TrainingSession(ModelConfig config, SessionFactory.Opened opened) {
        this.config = config;
        this.opened = opened;
    }

    public static TrainingSession open(ModelConfig config, Device device, int threads) throws OrtException {
        return new TrainingSession(config, SessionFactory.open(ModelGraphs.trainingStep(config).toByteArray(), device, threads));
    }

    /** The device the session really runs on. */
    public Device device() {
        return opened.device();
    }

    public StepResult step(TrainingState state, Batch batch) throws OrtException {
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            inputs.put(ModelGraphs.DENSE, own(owned, OrtTensors.floats(env, batch.dense(), batch.size(), config.denseSize())));
            inputs.put(ModelGraphs.SPARSE, own(owned, OrtTensors.longs(env, batch.sparse(), batch.size(), config.sparseWidth())));
            inputs.put(ModelGraphs.LABEL, own(owned, OrtTensors.floats(env, batch.labels(), batch.size(), 1)));
            for (Map.Entry<String, FloatTensor> e : state.all().entrySet()) {
                inputs.put(e.getKey(), own(owned, OrtTensors.of(env, e.getValue())));
            }
            try (OrtSession.Result result = opened.session().run(inputs)) {
                Map<String, FloatTensor> params = new LinkedHashMap<>(state.params());
                Map<String, FloatTensor> optimizer = new LinkedHashMap<>(state.optimizer());
                for (String name : state.params().keySet()) {
                    result.get(ModelGraphs.NEW + name).ifPresent(v -> params.put(name, OrtTensors.tensor(v)));
                }
                for (String name : state.optimizer().keySet()) {
                    result.get(ModelGraphs.NEW + name).ifPresent(v -> optimizer.put(name, OrtTensors.tensor(v)));
                }
                double loss = OrtTensors.floats(result.get(ModelGraphs.LOSS).orElseThrow())[0];
                float[] scores = OrtTensors.floats(result.get(ModelGraphs.SCORE).orElseThrow());
                return new StepResult(new TrainingState(params, optimizer), loss, scores);
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    @Override
    public void close() throws OrtException {
        opened.close();
    }
}
