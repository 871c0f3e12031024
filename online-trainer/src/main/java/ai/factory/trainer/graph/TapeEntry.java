package ai.factory.trainer.graph;

import java.util.List;

/** One differentiable op as recorded while building: its inputs, output and vector-Jacobian product. */
public record TapeEntry(String op, List<Value> inputs, Value output, Vjp vjp) {

    public TapeEntry {
        inputs = List.copyOf(inputs);
    }
}
