package ai.factory.trainer.runtime;

import java.util.Map;

import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelGraphs;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** Scores batches with a published inference graph exactly as a scorer would load it. */
public final class InferenceSession implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironments.get();
    private final SessionFactory.Opened opened;

    public InferenceSession(byte[] onnx, Device device, int threads) throws OrtException {
        this.opened = SessionFactory.open(onnx, device, threads);
    }

    public float[] score(Batch batch) throws OrtException {
        try (OnnxTensor dense = OrtTensors.floats(env, batch.dense(), batch.size(), batch.denseSize());
             OnnxTensor sparse = OrtTensors.longs(env, batch.sparse(), batch.size(), batch.sparseWidth());
             OrtSession.Result result = opened.session().run(Map.of(ModelGraphs.DENSE, dense, ModelGraphs.SPARSE, sparse))) {
            return OrtTensors.floats(result.get(ModelGraphs.SCORE).orElseThrow());
        }
    }

    /** The session's declared inputs and outputs, for contract checks. */
    public OrtSession session() {
        return opened.session();
    }

    @Override
    public void close() throws OrtException {
        opened.close();
    }
}
