package ai.factory.trainer.model;

/**
 * A mini-batch in the contract's layout: {@code dense} [n, D] and {@code sparse} [n, S] row-major, labels [n].
 */
public record Batch(int size, int denseSize, int sparseWidth, float[] dense, long[] sparse, float[] labels) {

    public Batch {
        if (dense.length != size * denseSize || sparse.length != size * sparseWidth || labels.length != size) {
            throw new IllegalArgumentException("batch arrays do not match size " + size);
        }
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive). */
    public Batch slice(int from, int to) {
        int n = to - from;
        float[] d = new float[n * denseSize];
        long[] s = new long[n * sparseWidth];
        float[] y = new float[n];
        System.arraycopy(dense, from * denseSize, d, 0, d.length);
        System.arraycopy(sparse, from * sparseWidth, s, 0, s.length);
        System.arraycopy(labels, from, y, 0, n);
        return new Batch(n, denseSize, sparseWidth, d, s, y);
    }
}
