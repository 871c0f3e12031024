package ai.factory.trainer.graph;

import java.util.Arrays;

/**
 * A symbolic tensor of a graph under construction: its ONNX name, element type and static shape, where
 * {@code -1} marks a dimension known only at run time (the batch dimension).
 */
public record Value(String name, DType type, long[] dims) {

    public Value {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code axis}, or -1 when it is symbolic. */
    public long dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Value v && v.name.equals(name) && v.type == type && Arrays.equals(v.dims, dims);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(dims);
    }
}
