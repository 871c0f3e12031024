package ai.factory.trainer.runtime;

import java.util.Map;
import java.util.Set;

import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.model.Attribution;
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
    private final boolean explaining;

    public InferenceSession(byte[] onnx, SessionFactory sessions) throws OrtException {
        this(onnx, sessions, false);
    }

    /** A session that, {@code explaining}, also computes every row's explanation (see {@link #explain}). */
    public InferenceSession(byte[] onnx, SessionFactory sessions, boolean explaining) throws OrtException {
        this.env = sessions.environment();
        this.session = explaining ? sessions.create(onnx, Map.of(Attribution.FLAG, true)) : sessions.create(onnx);
        this.explaining = explaining;
    }

    public float[] score(Batch batch) throws OrtException {
        try (OnnxTensor dense = OrtTensors.floats(env, batch.dense(), batch.size(), batch.denseSize());
             OnnxTensor sparse = OrtTensors.longs(env, batch.sparse(), batch.size(), batch.sparseWidth());
             OrtSession.Result result = session.run(Map.of(ModelGraphs.DENSE, dense, ModelGraphs.SPARSE, sparse))) {
            return OrtTensors.floats(result.get(ModelGraphs.SCORE).orElseThrow());
        }
    }

    /**
     * Each row's explained output, split: {@code explained[i] = baseline + sum of parts[i * slots ..]} (see
     * {@link Attribution}).
     */
    public record Explained(float[] explained, float baseline, float[] parts, int slots) {
    }

    /** Explains {@code batch}, in a session opened explaining: what a scorer run with {@code --explain} computes. */
    public Explained explain(Batch batch) throws OrtException {
        if (!explaining) {
            throw new IllegalStateException("this session was not opened explaining");
        }
        try (OnnxTensor dense = OrtTensors.floats(env, batch.dense(), batch.size(), batch.denseSize());
             OnnxTensor sparse = OrtTensors.longs(env, batch.sparse(), batch.size(), batch.sparseWidth());
             OrtSession.Result result = session.run(Map.of(ModelGraphs.DENSE, dense, ModelGraphs.SPARSE, sparse), Set.of(Attribution.EXPLAINED, Attribution.BASELINE, Attribution.CONTRIBUTIONS))) {
            return new Explained(OrtTensors.floats(result.get(Attribution.EXPLAINED).orElseThrow()),
                    OrtTensors.floats(result.get(Attribution.BASELINE).orElseThrow())[0],
                    OrtTensors.floats(result.get(Attribution.CONTRIBUTIONS).orElseThrow()),
                    batch.denseSize() + batch.sparseWidth());
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
