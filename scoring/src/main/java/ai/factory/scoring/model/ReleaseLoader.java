package ai.factory.scoring.model;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import ai.factory.onnx.SessionFactory;
import ai.factory.records.ModelRelease;
import ai.factory.scoring.explain.Explanations;
import ai.factory.scoring.release.ReleaseBook;
import ai.factory.scoring.release.ReleaseKey;
import ai.factory.scoring.release.SpecKey;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a model release into a warmed-up {@link ModelSession}, or rejects it: the bytes must load, the graph
 * must take {@code dense} float32 [N, D] and {@code sparse} int64 [N, S] and give {@code score} float32 [N, 1]
 * with D equal to the release's dense size (and to the vectors seen, if any), and a probe batch must run and
 * score finitely.
 */
public final class ReleaseLoader {

    private static final int PROBE_ROWS = 16;
    private static final Logger log = LoggerFactory.getLogger(ReleaseLoader.class);

    private final SessionFactory sessions;
    private final int warmUpRows;
    private final int explainTop;

    /**
     * @param warmUpRows rows of the warm-up batch, the largest batch the scorer will run, so ORT sizes its
     *                   buffers before the session takes traffic
     */
    public ReleaseLoader(SessionFactory sessions, int warmUpRows) {
        this(sessions, warmUpRows, 0);
    }

    /**
     * @param explainTop features per explanation; above 0, a release whose graph can explain is loaded explaining (one
     *                   that cannot is served without explanations, with a warning)
     */
    public ReleaseLoader(SessionFactory sessions, int warmUpRows, int explainTop) {
        this.sessions = sessions;
        this.warmUpRows = Math.max(1, warmUpRows);
        this.explainTop = explainTop;
    }

    /**
     * Loads, validates and warms up {@code release}.
     *
     * @param observed the widths of the vectors of the release's spec seen so far, if any
     */
    public ModelSession load(ModelRelease release, Optional<VectorShape> observed) throws ReleaseRejectedException {
        ReleaseKey key = new ReleaseKey(release.getModelName(), release.getVersion());
        SpecKey spec = ReleaseBook.specOf(release);
        if (release.getOnnx() == null || !release.getOnnx().hasRemaining()) {
            // Never serve a release whose graph is missing (the book drops graphs; a publisher may send none).
            throw new ReleaseRejectedException(ReleaseRejectedException.Reason.LOAD_FAILED, key + " carries no ONNX graph", null);
        }
        OrtSession session;
        try {
            session = sessions.create(bytes(release.getOnnx()));
        } catch (OrtException | RuntimeException e) {
            throw new ReleaseRejectedException(ReleaseRejectedException.Reason.LOAD_FAILED,
                    key + " does not load: " + e.getMessage(), e);
        }
        ModelSession model = null;
        try {
            VectorShape shape = checkSignature(key, session, release.getDenseSize(), observed);
            Explanations explanations = null;
            if (explainTop > 0) {
                explanations = explanations(key, session, shape);
                if (explanations != null) {
                    // The switch is set when a session is made: this release's sessions explain every run.
                    OrtSession plain = session;
                    session = null;
                    plain.close();
                    session = sessions.create(bytes(release.getOnnx()), Map.of(ModelSession.EXPLAIN_SWITCH, true));
                }
            }
            model = new ModelSession(key, spec, shape, release.getSparseBuckets(), sessions.environment(), session,
                    explanations);
            probe(model, release.getSparseBuckets());
            run(model, warmUpRows, release.getSparseBuckets(), 1L);
            return model;
        } catch (OrtException e) {
            if (session != null) {
                closeQuietly(session, e);
            }
            throw new ReleaseRejectedException(ReleaseRejectedException.Reason.LOAD_FAILED,
                    key + " does not load explaining: " + e.getMessage(), e);
        } catch (ReleaseRejectedException | RuntimeException e) {
            if (model != null) {
                model.retire();
            } else if (session != null) {
                closeQuietly(session, e);
            }
            throw e;
        }
    }

    /** How the graph's explanations read, or null (with a warning) when it has none. */
    private Explanations explanations(ReleaseKey key, OrtSession session, VectorShape shape) throws OrtException {
        if (!session.getOutputInfo().keySet().containsAll(
                java.util.Set.of(ModelSession.EXPLAINED, ModelSession.BASELINE, ModelSession.CONTRIBUTIONS))) {
            log.warn("{} has no explanation outputs (a graph not written by this trainer, or an older one): its predictions "
                    + "carry no explanation", key);
            return null;
        }
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        String names = meta.getOrDefault("slot_features", "");
        return new Explanations(names.isBlank() ? java.util.List.of() : java.util.List.of(names.split(",")),
                shape.denseSize() + shape.sparseWidth(), meta.getOrDefault("explanation_method", "unknown"),
                meta.getOrDefault("explanation_units", "unknown"), explainTop);
    }

    private static VectorShape checkSignature(ReleaseKey key, OrtSession session, int denseSize,
                                              Optional<VectorShape> observed) throws ReleaseRejectedException {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (!inputs.keySet().equals(java.util.Set.of(ModelSession.DENSE, ModelSession.SPARSE))) {
                throw mismatch(key, "inputs are " + inputs.keySet() + ", expected [dense, sparse]");
            }
            if (!outputs.containsKey(ModelSession.SCORE)) {
                throw mismatch(key, "outputs are " + outputs.keySet() + ", expected score");
            }
            long d = width(key, inputs.get(ModelSession.DENSE), OnnxJavaType.FLOAT);
            long s = width(key, inputs.get(ModelSession.SPARSE), OnnxJavaType.INT64);
            long out = width(key, outputs.get(ModelSession.SCORE), OnnxJavaType.FLOAT);
            if (out != 1) {
                throw mismatch(key, "score is [N, " + out + "], expected [N, 1]");
            }
            if (d != denseSize) {
                throw mismatch(key, "dense input is [N, " + d + "] but the release declares dense_size " + denseSize);
            }
            if (s < 1) {
                throw mismatch(key, "sparse input width must be fixed and at least 1, is " + s);
            }
            VectorShape shape = new VectorShape((int) d, (int) s);
            if (observed.isPresent() && !observed.get().equals(shape)) {
                throw mismatch(key, "graph takes " + shape + " but the vectors of its spec are " + observed.get());
            }
            return shape;
        } catch (OrtException e) {
            throw mismatch(key, "cannot read its inputs: " + e.getMessage());
        }
    }

    /** The fixed second dimension of a rank-2 tensor of {@code type}, or -1 when symbolic. */
    private static long width(ReleaseKey key, NodeInfo node, OnnxJavaType type) throws ReleaseRejectedException {
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            throw mismatch(key, node.getName() + " is not a tensor");
        }
        long[] shape = tensor.getShape();
        if (tensor.type != type || shape.length != 2) {
            throw mismatch(key, node.getName() + " is " + tensor.type + java.util.Arrays.toString(shape)
                    + ", expected " + type + " of rank 2");
        }
        return shape[1];
    }

    private static void probe(ModelSession model, int sparseBuckets) throws ReleaseRejectedException {
        float[] scores = run(model, PROBE_ROWS, sparseBuckets, model.release().version());
        for (float score : scores) {
            if (!Float.isFinite(score)) {
                throw new ReleaseRejectedException(ReleaseRejectedException.Reason.NOT_FINITE,
                        model.release() + " scores " + score + " on the probe batch", null);
            }
        }
    }

    /** Runs random rows (dense in [-1, 1), sparse ids in [0, buckets)) through the model. */
    private static float[] run(ModelSession model, int rows, int sparseBuckets, long seed) throws ReleaseRejectedException {
        if (sparseBuckets < 1) {
            throw mismatch(model.release(), "sparse_buckets must be positive, is " + sparseBuckets);
        }
        VectorShape shape = model.shape();
        SplittableRandom random = new SplittableRandom(seed);
        BatchInputs inputs = new BatchInputs();
        inputs.reset(shape, rows);
        float[] dense = new float[shape.denseSize()];
        long[] sparse = new long[shape.sparseWidth()];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dense.length; i++) {
                dense[i] = (float) (random.nextDouble() * 2 - 1);
            }
            for (int i = 0; i < sparse.length; i++) {
                sparse[i] = random.nextInt(sparseBuckets);
            }
            inputs.add(dense, sparse);
        }
        try {
            return model.score(inputs);
        } catch (OrtException | RuntimeException e) {
            throw new ReleaseRejectedException(ReleaseRejectedException.Reason.PROBE_FAILED,
                    model.release() + " fails on a probe batch: " + e.getMessage(), e);
        }
    }

    private static ReleaseRejectedException mismatch(ReleaseKey key, String detail) {
        return new ReleaseRejectedException(ReleaseRejectedException.Reason.SHAPE_MISMATCH, key + ": " + detail, null);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static void closeQuietly(OrtSession session, Exception cause) {
        try {
            session.close();
        } catch (OrtException e) {
            cause.addSuppressed(e);
        }
    }
}
