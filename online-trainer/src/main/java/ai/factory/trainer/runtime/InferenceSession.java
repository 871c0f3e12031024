package ai.factory.trainer.runtime;

import java.util.Map;

import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelGraphs;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** Scores batches with a published inference graph exactly as a scorer would load it. */
public final class InferenceSession implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;

    public InferenceSession(byte[] onnx, SessionFactory sessions) throws OrtException {
        this.env = sessions.environment();
        this.session = sessions.create(onnx);
    }

    public float[] score(Batch batch) throws OrtException {
        try (OnnxTensor dense = OrtTensors.floats(env, batch.dense(), batch.size(), batch.denseSize());
             OnnxTensor sparse = OrtTensors.longs(env, batch.sparse(), batch.size(), batch.sparseWidth());
             OrtSession.Result result = session.run(Map.of(ModelGraphs.DENSE, dense, ModelGraphs.SPARSE, sparse))) {
            return OrtTensors.floats(result.get(ModelGraphs.SCORE).orElseThrow());
        }
    }

    /** The session's declared inputs and outputs, for contract checks. */
    public OrtSession session() {
        return session;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
