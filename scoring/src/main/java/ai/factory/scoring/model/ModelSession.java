package ai.factory.scoring.model;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ai.factory.scoring.release.ReleaseKey;
import ai.factory.scoring.release.SpecKey;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validated release loaded into an ONNX Runtime session. Batches hold it while they run ({@link #tryAcquire()} /
 * {@link #letGo()}); once it is {@link #retire() retired} the native session is closed when the last batch
 * lets go, so a swap never closes a session under a running batch.
 */
public final class ModelSession {

    public static final String DENSE = "dense";
    public static final String SPARSE = "sparse";
    public static final String SCORE = "score";

    private static final Logger log = LoggerFactory.getLogger(ModelSession.class);

    private final ReleaseKey release;
    private final SpecKey spec;
    private final VectorShape shape;
    private final int sparseBuckets;
    private final OrtEnvironment environment;
    private final OrtSession session;
    /** One hold for being installed plus one per running batch; at zero the session is closed. */
    private final AtomicInteger holds = new AtomicInteger(1);

    ModelSession(ReleaseKey release, SpecKey spec, VectorShape shape, int sparseBuckets, OrtEnvironment environment,
                 OrtSession session) {
        this.release = release;
        this.spec = spec;
        this.shape = shape;
        this.sparseBuckets = sparseBuckets;
        this.environment = environment;
        this.session = session;
    }

    public ReleaseKey release() {
        return release;
    }

    public SpecKey spec() {
        return spec;
    }

    /** The vector widths the graph takes. */
    public VectorShape shape() {
        return shape;
    }

    /** Size of the hashed id space: every sparse id must lie in [0, sparseBuckets). */
    public int sparseBuckets() {
        return sparseBuckets;
    }

    /** Holds the session for one batch; false when it has been closed meanwhile. */
    public boolean tryAcquire() {
        while (true) {
            int current = holds.get();
            if (current == 0) {
                return false;
            }
            if (holds.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Lets go of a hold taken with {@link #tryAcquire()}. */
    public void letGo() {
        if (holds.decrementAndGet() == 0) {
            closeSession();
        }
    }

    /** Drops the installed hold: the session closes now, or when the batch running on it ends. */
    public void retire() {
        letGo();
    }

    public boolean isClosed() {
        return holds.get() == 0;
    }

    /** Scores the rows of {@code inputs}: one score per row. The caller holds the session. */
    public float[] score(BatchInputs inputs) throws OrtException {
        if (!inputs.shape().equals(shape)) {
            throw new IllegalArgumentException("batch of " + inputs.shape() + " for a model taking " + shape);
        }
        int rows = inputs.rows();
        try (OnnxTensor dense = OnnxTensor.createTensor(environment, inputs.denseView(), new long[] {rows, shape.denseSize()});
             OnnxTensor sparse = OnnxTensor.createTensor(environment, inputs.sparseView(), new long[] {rows, shape.sparseWidth()});
             OrtSession.Result result = session.run(Map.of(DENSE, dense, SPARSE, sparse), java.util.Set.of(SCORE))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor scores)) {
                throw new IllegalStateException("output " + SCORE + " of " + release + " is not a tensor");
            }
            float[] out = new float[rows];
            var buffer = scores.getFloatBuffer();
            if (buffer.remaining() != rows) {
                throw new IllegalStateException("model " + release + " returned " + buffer.remaining() + " scores for " + rows + " rows");
            }
            buffer.get(out);
            return out;
        }
    }

    private void closeSession() {
        try {
            session.close();
            log.debug("Closed session of {}", release);
        } catch (OrtException e) {
            log.warn("Closing the session of {} failed: {}", release, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return release + " (" + spec + ", " + shape + ")";
    }
}
