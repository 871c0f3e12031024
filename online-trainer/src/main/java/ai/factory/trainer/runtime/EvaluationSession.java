package ai.factory.trainer.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** Scores batches with any weights of one model config (candidate and champion alike) through one session. */
public final class EvaluationSession implements AutoCloseable {

    private final ModelConfig config;
    private final OrtEnvironment env;
    private final OrtSession session;

    private EvaluationSession(ModelConfig config, OrtEnvironment env, OrtSession session) {
        this.config = config;
        this.env = env;
        this.session = session;
    }

    public static EvaluationSession open(ModelConfig config, SessionFactory sessions) throws OrtException {
        return new EvaluationSession(config, sessions.environment(), sessions.create(ModelGraphs.evaluation(config).toByteArray()));
    }

    /** Scores [n] of {@code batch} under {@code params}. */
    public float[] score(Map<String, FloatTensor> params, Batch batch) throws OrtException {
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            inputs.put(ModelGraphs.DENSE, TrainingSession.own(owned, OrtTensors.floats(env, batch.dense(), batch.size(), config.denseSize())));
            inputs.put(ModelGraphs.SPARSE, TrainingSession.own(owned, OrtTensors.longs(env, batch.sparse(), batch.size(), config.sparseWidth())));
            for (Map.Entry<String, FloatTensor> e : params.entrySet()) {
                inputs.put(e.getKey(), TrainingSession.own(owned, OrtTensors.of(env, e.getValue())));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                return OrtTensors.floats(result.get(ModelGraphs.SCORE).orElseThrow());
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
