package ai.factory.scoring.model;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import ai.factory.records.Explanation;
import ai.factory.scoring.explain.Explanations;
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
    /** The explanation outputs of a graph built by the trainer, computed when its {@code explain} switch is on. */
    public static final String EXPLAIN_SWITCH = "explain";
    public static final String EXPLAINED = "explained";
    public static final String BASELINE = "baseline";
    public static final String CONTRIBUTIONS = "contributions";

    private static final Logger log = LoggerFactory.getLogger(ModelSession.class);

    private final ReleaseKey release;
    private final SpecKey spec;
    private final VectorShape shape;
    private final int sparseBuckets;
    private final OrtEnvironment environment;
    private final OrtSession session;
    /** How this session's rows are explained, or null when it does not explain. */
    private final Explanations explanations;
    private final Set<String> outputs;
    /** One hold for being installed plus one per running batch; at zero the session is closed. */
    private final AtomicInteger holds = new AtomicInteger(1);

    ModelSession(ReleaseKey release, SpecKey spec, VectorShape shape, int sparseBuckets, OrtEnvironment environment,
                 OrtSession session, Explanations explanations) {
        this.explanations = explanations;
        this.outputs = explanations == null ? Set.of(SCORE) : Set.of(SCORE, EXPLAINED, BASELINE, CONTRIBUTIONS);
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

    /** Whether every run also explains its rows. */
    public boolean explains() {
        return explanations != null;
    }

    /** One batch's scores and, when the session {@link #explains()}, each row's explanation (else null). */
    public record Scored(float[] scores, List<Explanation> explanations) {
    }

    /** Scores the rows of {@code inputs}: one score per row. The caller holds the session. */
    public float[] score(BatchInputs inputs) throws OrtException {
        return run(inputs).scores();
    }

    /** Scores, and explains if this session does, the rows of {@code inputs}. The caller holds the session. */
    public Scored run(BatchInputs inputs) throws OrtException {
        if (!inputs.shape().equals(shape)) {
            throw new IllegalArgumentException("batch of " + inputs.shape() + " for a model taking " + shape);
        }
        int rows = inputs.rows();
        try (OnnxTensor dense = OnnxTensor.createTensor(environment, inputs.denseView(), new long[] {rows, shape.denseSize()});
             OnnxTensor sparse = OnnxTensor.createTensor(environment, inputs.sparseView(), new long[] {rows, shape.sparseWidth()});
             OrtSession.Result result = session.run(Map.of(DENSE, dense, SPARSE, sparse), outputs)) {
            OnnxValue value = result.get(SCORE).orElseThrow();
            if (!(value instanceof OnnxTensor scores)) {
                throw new IllegalStateException("output " + SCORE + " of " + release + " is not a tensor");
            }
            float[] out = new float[rows];
            var buffer = scores.getFloatBuffer();
            if (buffer.remaining() != rows) {
                throw new IllegalStateException("model " + release + " returned " + buffer.remaining() + " scores for " + rows + " rows");
            }
            buffer.get(out);
            return new Scored(out, explanations == null ? null : explain(result, rows));
        }
    }

    private List<Explanation> explain(OrtSession.Result result, int rows) {
        float[] explained = floats(result, EXPLAINED);
        float[] baseline = floats(result, BASELINE);
        float[] parts = floats(result, CONTRIBUTIONS);
        int slots = explanations.slots();
        if (explained.length != rows || baseline.length != 1 || parts.length != rows * slots) {
            throw new IllegalStateException("model " + release + " explained " + explained.length + " of " + rows + " rows");
        }
        List<Explanation> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            out.add(explanations.of(explained[i], baseline[0], parts, i * slots));
        }
        return out;
    }

    private static float[] floats(OrtSession.Result result, String name) {
        FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
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
