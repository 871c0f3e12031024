package ai.factory.trainer.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import ai.factory.trainer.graph.GradientChecker.Input;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable op's vector-Jacobian product against central differences, in float64 on ONNX Runtime.
 * The checked scalar is sum(op(x, y) * r) with random r, so every output element's gradient matters.
 */
class OpGradientTest {

    /** How to build one op case: the op applied to x and y (y may be unused). */
    private record Case(String name, long[] xDims, long[] xShape, double xLow, double xHigh,
                        long[] yDims, long[] yShape, long[] outShape, BiFunction<GraphBuilder, Value[], Value> op) {
    }

    private static long[] d(long... dims) {
        return dims;
    }

    static Stream<Arguments> ops() {
        List<Case> cases = List.of(
                new Case("add with broadcast row", d(-1, 3), d(2, 3), -1, 1, d(3), d(3), d(2, 3), (g, v) -> g.add(v[0], v[1])),
                new Case("add with broadcast 1x1", d(2, 3), d(2, 3), -1, 1, d(1, 1), d(1, 1), d(2, 3), (g, v) -> g.add(v[0], v[1])),
                new Case("sub with broadcast column", d(2, 3), d(2, 3), -1, 1, d(2, 1), d(2, 1), d(2, 3), (g, v) -> g.sub(v[0], v[1])),
                new Case("mul with broadcast row", d(-1, 3), d(2, 3), -1, 1, d(3), d(3), d(2, 3), (g, v) -> g.mul(v[0], v[1])),
                new Case("mul of x with itself", d(2, 3), d(2, 3), -1, 1, d(1), d(1), d(2, 3), (g, v) -> g.mul(v[0], v[0])),
                new Case("div", d(2, 3), d(2, 3), 0.5, 1.5, d(2, 3), d(2, 3), d(2, 3), (g, v) -> g.div(v[0], v[1])),
                new Case("neg", d(2, 3), d(2, 3), -1, 1, d(1), d(1), d(2, 3), (g, v) -> g.neg(v[0])),
                new Case("matMul", d(-1, 3), d(2, 3), -1, 1, d(3, 4), d(3, 4), d(2, 4), (g, v) -> g.matMul(v[0], v[1])),
                new Case("sigmoid", d(2, 3), d(2, 3), -3, 3, d(1), d(1), d(2, 3), (g, v) -> g.sigmoid(v[0])),
                new Case("tanh", d(2, 3), d(2, 3), -2, 2, d(1), d(1), d(2, 3), (g, v) -> g.tanh(v[0])),
                new Case("relu", d(2, 3), d(2, 3), -1, 1, d(1), d(1), d(2, 3), (g, v) -> g.relu(v[0])),
                new Case("softplus", d(2, 3), d(2, 3), -4, 4, d(1), d(1), d(2, 3), (g, v) -> g.softplus(v[0])),
                new Case("exp", d(2, 3), d(2, 3), -1, 1, d(1), d(1), d(2, 3), (g, v) -> g.exp(v[0])),
                new Case("log", d(2, 3), d(2, 3), 0.5, 2, d(1), d(1), d(2, 3), (g, v) -> g.log(v[0])),
                new Case("abs", d(2, 3), d(2, 3), -1, 1, d(1), d(1), d(2, 3), (g, v) -> g.abs(v[0])),
                new Case("sqrt", d(2, 3), d(2, 3), 0.5, 2, d(1), d(1), d(2, 3), (g, v) -> g.sqrt(v[0])),
                new Case("sumAll", d(-1, 3), d(2, 3), -1, 1, d(1), d(1), d(), (g, v) -> g.sumAll(v[0])),
                new Case("meanAll", d(-1, 3), d(4, 3), -1, 1, d(1), d(1), d(), (g, v) -> g.meanAll(v[0])),
                new Case("reduceSum over axis 1", d(-1, 3, 2), d(2, 3, 2), -1, 1, d(1), d(1), d(2, 1, 2), (g, v) -> g.reduceSum(v[0], 1)),
                new Case("reshape", d(-1, 3, 2), d(2, 3, 2), -1, 1, d(1), d(1), d(2, 6), (g, v) -> g.reshape(v[0], -1, 6)),
                new Case("concat on axis 1", d(-1, 3), d(2, 3), -1, 1, d(-1, 2), d(2, 2), d(2, 5),
                        (g, v) -> g.concat(1, List.of(v[0], v[1]))),
                new Case("narrow on the last axis", d(-1, 3, 4), d(2, 3, 4), -1, 1, d(1), d(1), d(2, 3, 2),
                        (g, v) -> g.narrow(v[0], 2, 1, 3)),
                new Case("narrow on axis 1 from the start", d(-1, 3), d(2, 3), -1, 1, d(1), d(1), d(2, 1),
                        (g, v) -> g.narrow(v[0], 1, 0, 1)));
        return cases.stream().map(c -> Arguments.of(c.name(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void vjpMatchesNumericalGradient(String name, Case c) throws Exception {
        Random random = new Random(name.hashCode());
        GraphBuilder g = new GraphBuilder("check", DType.DOUBLE);
        Value x = g.input("x", DType.DOUBLE, c.xDims());
        Value y = g.input("y", DType.DOUBLE, c.yDims());
        Value r = g.input("r", DType.DOUBLE, c.outShape());
        Value out = c.op().apply(g, new Value[] {x, y});
        // y is declared even when the op ignores it, so every case feeds the same inputs.
        Value loss = g.add(g.sumAll(g.mul(out, r)), g.mul(g.sumAll(y), g.scalar(0)));
        g.output(loss, "loss");
        Map<String, Value> grads = Autodiff.gradients(g, loss, List.of(x, y));
        g.output(grads.get("x"), "dx");
        g.output(grads.get("y"), "dy");

        Map<String, Input> inputs = new LinkedHashMap<>();
        inputs.put("x", Input.reals(uniformAwayFromZero(random, size(c.xShape()), c.xLow(), c.xHigh()), c.xShape()));
        inputs.put("y", Input.reals(uniformAwayFromZero(random, size(c.yShape()), 0.5, 1.5), c.yShape()));
        inputs.put("r", Input.reals(uniformAwayFromZero(random, size(c.outShape()), -1, 1), c.outShape()));
        try (GradientChecker checker = new GradientChecker(g.buildModel(Map.of()).toByteArray())) {
            checker.check(inputs, "loss", "x", "dx", 64);
            checker.check(inputs, "loss", "y", "dy", 64);
        }
    }

    @org.junit.jupiter.api.Test
    void gatherScattersRepeatedIdsIntoTheTable() throws Exception {
        GraphBuilder g = new GraphBuilder("gather", DType.DOUBLE);
        Value table = g.input("table", DType.DOUBLE, 5, 3);
        Value ids = g.input("ids", DType.INT64, -1, 3);
        Value r = g.input("r", DType.DOUBLE, 2, 3, 3);
        Value loss = g.sumAll(g.mul(g.gather(table, ids), r));
        g.output(loss, "loss");
        g.output(Autodiff.gradients(g, loss, List.of(table)).get("table"), "dtable");
        Random random = new Random(7);
        Map<String, Input> inputs = new LinkedHashMap<>();
        inputs.put("table", Input.reals(uniformAwayFromZero(random, 15, -1, 1), 5, 3));
        inputs.put("ids", Input.ids(new long[] {0, 2, 2, 4, 0, 2}, 2, 3));
        inputs.put("r", Input.reals(uniformAwayFromZero(random, 18, -1, 1), 2, 3, 3));
        try (GradientChecker checker = new GradientChecker(g.buildModel(Map.of()).toByteArray())) {
            checker.check(inputs, "loss", "table", "dtable", 15);
            double[] dtable = checker.run(inputs).get("dtable");
            // Row 1 and row 3 are never looked up: their gradient is exactly zero.
            assertThat(new double[] {dtable[3], dtable[4], dtable[5], dtable[9], dtable[10], dtable[11]}).containsOnly(0.0);
        }
    }

    @org.junit.jupiter.api.Test
    void unreachableInputsGetZeroGradients() throws Exception {
        GraphBuilder g = new GraphBuilder("unused", DType.DOUBLE);
        Value x = g.input("x", DType.DOUBLE, 2);
        Value unused = g.input("u", DType.DOUBLE, 3);
        Value loss = g.sumAll(g.mul(x, x));
        g.output(loss, "loss");
        g.output(Autodiff.gradients(g, loss, List.of(x, unused)).get("u"), "du");
        try (GradientChecker checker = new GradientChecker(g.buildModel(Map.of()).toByteArray())) {
            Map<String, Input> inputs = Map.of("x", Input.reals(new double[] {1, 2}, 2), "u", Input.reals(new double[] {1, 2, 3}, 3));
            assertThat(checker.run(inputs).get("du")).containsExactly(0, 0, 0);
        }
    }

    private static int size(long[] shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        return n;
    }

    /** Uniform values, nudged away from 0 so kinks (relu, abs) are not straddled by the finite difference. */
    private static double[] uniformAwayFromZero(Random random, int n, double low, double high) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = low + (high - low) * random.nextDouble();
            v[i] = Math.abs(x) < 0.05 ? x + Math.copySign(0.1, x) : x;
        }
        return v;
    }
}
