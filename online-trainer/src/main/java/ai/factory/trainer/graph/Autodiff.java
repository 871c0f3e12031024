package ai.factory.trainer.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over a {@link GraphBuilder}'s tape: walks the recorded ops backwards from a
 * scalar and appends each op's vector-Jacobian product to the same graph. Only ops on a path from the
 * requested inputs to the scalar are differentiated.
 */
public final class Autodiff {

    private Autodiff() {
    }

    /**
     * Gradients of the scalar {@code loss} with respect to each of {@code wrt}, keyed by the name of the
     * value differentiated; a value the loss does not depend on gets zeros.
     */
    public static Map<String, Value> gradients(GraphBuilder g, Value loss, List<Value> wrt) {
        if (loss.rank() != 0) {
            throw new IllegalArgumentException("the loss must be a scalar: " + loss);
        }
        List<TapeEntry> tape = new ArrayList<>(g.tape());
        Set<String> dependsOnWrt = new HashSet<>();
        wrt.forEach(v -> dependsOnWrt.add(v.name()));
        for (TapeEntry e : tape) {
            if (e.inputs().stream().anyMatch(v -> dependsOnWrt.contains(v.name()))) {
                dependsOnWrt.add(e.output().name());
            }
        }
        Map<String, Value> grads = new HashMap<>();
        grads.put(loss.name(), g.scalar(1));
        for (int i = tape.size() - 1; i >= 0; i--) {
            TapeEntry e = tape.get(i);
            Value dy = grads.get(e.output().name());
            if (dy == null || !dependsOnWrt.contains(e.output().name())) {
                continue;
            }
            boolean[] needed = new boolean[e.inputs().size()];
            for (int k = 0; k < needed.length; k++) {
                Value in = e.inputs().get(k);
                needed[k] = in.type().isReal() && dependsOnWrt.contains(in.name());
            }
            List<Value> dx = e.vjp().apply(dy, needed);
            for (int k = 0; k < needed.length; k++) {
                if (needed[k] && dx.get(k) != null) {
                    grads.merge(e.inputs().get(k).name(), dx.get(k), g::add);
                }
            }
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (Value v : wrt) {
            Value grad = grads.get(v.name());
            result.put(v.name(), grad == null ? g.zerosLike(v) : grad);
        }
        return result;
    }
}
