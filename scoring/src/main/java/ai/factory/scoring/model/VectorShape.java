package ai.factory.scoring.model;

/** Widths of a feature vector: D dense floats and S sparse ids. */
public record VectorShape(int denseSize, int sparseWidth) {

    @Override
    public String toString() {
        return "dense[" + denseSize + "] sparse[" + sparseWidth + "]";
    }
}
