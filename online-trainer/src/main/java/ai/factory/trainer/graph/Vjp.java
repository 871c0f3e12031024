package ai.factory.trainer.graph;

import java.util.List;

/**
 * The vector-Jacobian product of one op, emitted as ONNX ops: given the gradient of the op's output, the
 * gradients of those inputs that need one (null elsewhere).
 */
@FunctionalInterface
public interface Vjp {

    List<Value> apply(Value outputGradient, boolean[] needed);
}
