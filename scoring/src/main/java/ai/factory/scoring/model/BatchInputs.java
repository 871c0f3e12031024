package ai.factory.scoring.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * The two input tensors of one batch, filled row by row into reusable direct buffers that ORT reads
 * without a copy. One instance per scoring thread.
 */
public final class BatchInputs {

    private FloatBuffer dense = FloatBuffer.allocate(0);
    private LongBuffer sparse = LongBuffer.allocate(0);
    private VectorShape shape = new VectorShape(0, 0);
    private int rows;

    /** Starts a new batch of up to {@code capacity} rows of {@code newShape}. */
    public void reset(VectorShape newShape, int capacity) {
        this.shape = newShape;
        this.rows = 0;
        int denseCells = Math.max(1, capacity * newShape.denseSize());
        int sparseCells = Math.max(1, capacity * newShape.sparseWidth());
        if (dense.capacity() < denseCells) {
            dense = ByteBuffer.allocateDirect(denseCells * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        if (sparse.capacity() < sparseCells) {
            sparse = ByteBuffer.allocateDirect(sparseCells * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        }
        dense.clear();
        sparse.clear();
    }

    /** Appends one row; the caller has checked its widths against the shape. */
    public void add(List<Float> denseRow, List<Integer> sparseRow) {
        for (int i = 0; i < denseRow.size(); i++) {
            dense.put(denseRow.get(i));
        }
        for (int i = 0; i < sparseRow.size(); i++) {
            sparse.put(sparseRow.get(i));
        }
        rows++;
    }

    /** Appends one row from arrays. */
    public void add(float[] denseRow, long[] sparseRow) {
        dense.put(denseRow);
        sparse.put(sparseRow);
        rows++;
    }

    public int rows() {
        return rows;
    }

    public VectorShape shape() {
        return shape;
    }

    /** The filled part of the dense buffer, positioned at 0. */
    FloatBuffer denseView() {
        return dense.duplicate().flip();
    }

    /** The filled part of the sparse buffer, positioned at 0. */
    LongBuffer sparseView() {
        return sparse.duplicate().flip();
    }
}
