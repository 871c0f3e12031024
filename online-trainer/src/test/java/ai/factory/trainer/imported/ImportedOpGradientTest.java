package ai.factory.trainer.imported;

import static ai.factory.trainer.imported.ForeignModels.floats;
import static ai.factory.trainer.imported.ForeignModels.intList;
import static ai.factory.trainer.imported.ForeignModels.ints;
import static ai.factory.trainer.imported.ForeignModels.names;
import static ai.factory.trainer.imported.ForeignModels.tensor;
import static ai.factory.trainer.imported.ForeignModels.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import ai.factory.trainer.graph.Autodiff;
import ai.factory.trainer.graph.DType;
import ai.factory.trainer.graph.GradientChecker;
import ai.factory.trainer.graph.GradientChecker.Input;
import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;
import ai.factory.trainer.model.FloatTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op an imported graph may use, replayed from a graph written by hand as another tool would, against central
 * differences in float64 on ONNX Runtime: the gradient of sum(y * r) with respect to the input and to every weight.
 */
class ImportedOpGradientTest {

    /** One case: the ops it exercises, the range of the input x [2, 3], and the graph from x to y. */
    private record Case(String name, Set<String> ops, double low, double high, Function<Random, byte[]> model) {
    }

    private static final Set<String> COVERED = new TreeSet<>();

    /** x * w (w [3], broadcast) through {@code op}: so the weight gets a gradient through the op. */
    private static Case scaled(String op, double low, double high, ai.onnx.proto.OnnxMl.AttributeProto... attributes) {
        return new Case(op, Set.of("Mul", op), low, high, random -> new ForeignModels().input("x", 3)
                .weight("w", new long[] {3}, values(random, 3, 0.5, 1.5))
                .node("Mul", names("x", "w"), "xw").node(op, names("xw"), "y", attributes).output("y", 3).bytes());
    }

    /** {@code op}(x, w) with w [3] broadcast over the rows. */
    private static Case binary(String op) {
        return new Case(op, Set.of(op), -1, 1, random -> new ForeignModels().input("x", 3)
                .weight("w", new long[] {3}, values(random, 3, 0.5, 1.5))
                .node(op, names("x", "w"), "y").output("y", 3).bytes());
    }

    static Stream<Arguments> cases() {
        List<Case> cases = List.of(
                binary("Add"), binary("Sub"), binary("Mul"), binary("Div"),
                new Case("Sum of three", Set.of("Sum"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("w", new long[] {3}, values(r, 3, 0.5, 1.5)).weight("v", new long[] {1, 3}, values(r, 3, -1, 1))
                        .node("Sum", names("x", "w", "v"), "y").output("y", 3).bytes()),
                new Case("MatMul", Set.of("MatMul"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("w", new long[] {3, 4}, values(r, 12, -1, 1)).node("MatMul", names("x", "w"), "y").output("y", 4).bytes()),
                new Case("Gemm: alpha, beta, transposed B, bias", Set.of("Gemm"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("w", new long[] {4, 3}, values(r, 12, -1, 1)).weight("b", new long[] {4}, values(r, 4, -1, 1))
                        .node("Gemm", names("x", "w", "b"), "y", ints("transB", 1), floats("alpha", 0.5f), floats("beta", 2f))
                        .output("y", 4).bytes()),
                new Case("Gemm: transposed A, no bias", Set.of("Gemm", "MatMul"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("v", new long[] {4, 3}, values(r, 12, -1, 1)).weight("u", new long[] {4, 2}, values(r, 8, -1, 1))
                        .node("Gemm", names("v", "u"), "vu", ints("transA", 1)).node("MatMul", names("x", "vu"), "y")
                        .output("y", 2).bytes()),
                new Case("Transpose then MatMul", Set.of("Transpose", "MatMul"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("w", new long[] {4, 3}, values(r, 12, -1, 1)).node("Transpose", names("w"), "wt", intList("perm", 1, 0))
                        .node("MatMul", names("x", "wt"), "y").output("y", 4).bytes()),
                scaled("Neg", -1, 1), scaled("Relu", -1, 1), scaled("LeakyRelu", -1, 1, floats("alpha", 0.1f)),
                scaled("Sigmoid", -3, 3), scaled("Tanh", -2, 2), scaled("Softplus", -3, 3), scaled("Exp", -1, 1),
                scaled("Log", 0.5, 2), scaled("Abs", -1, 1), scaled("Sqrt", 0.5, 2), scaled("Softmax", -2, 2),
                scaled("Identity", -1, 1), scaled("Dropout", -1, 1), scaled("Flatten", -1, 1, ints("axis", 1)),
                scaled("Cast", -1, 1, ints("to", 1)),
                new Case("Reshape to a constant shape", Set.of("Mul", "Reshape"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("w", new long[] {3}, values(r, 3, 0.5, 1.5)).shape("to", 0, 3)
                        .node("Mul", names("x", "w"), "xw").node("Reshape", names("xw", "to"), "y").output("y", 3).bytes()),
                new Case("Concat", Set.of("Mul", "Concat"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("w", new long[] {3}, values(r, 3, 0.5, 1.5))
                        .node("Mul", names("x", "w"), "xw").node("Concat", names("x", "xw"), "y", ints("axis", 1)).output("y", 6).bytes()),
                new Case("Constant", Set.of("Constant", "Mul", "Add"), -1, 1, r -> new ForeignModels().input("x", 3)
                        .weight("w", new long[] {3}, values(r, 3, 0.5, 1.5))
                        .node("Constant", names(), "c", tensor("value", new long[] {3}, new float[] {2f, -1f, 0.5f}))
                        .node("Mul", names("x", "c"), "xc").node("Add", names("xc", "w"), "y").output("y", 3).bytes()));
        return cases.stream().map(c -> Arguments.of(c.name(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vjpOfTheReplayedOpMatchesNumericalGradient(String name, Case c) throws Exception {
        Random random = new Random(name.hashCode());
        ForeignGraph graph = ForeignGraph.parse(c.model().apply(random));
        COVERED.addAll(c.ops());

        GraphBuilder g = new GraphBuilder("check", DType.DOUBLE);
        Value x = g.input("x", DType.DOUBLE, -1, 3);
        Map<String, Value> weights = new LinkedHashMap<>();
        graph.weightShapes().forEach((w, shape) -> weights.put(w, g.input(w, DType.DOUBLE, shape)));
        Value y = graph.replay(g, Map.of("x", x), weights).get(graph.outputs().get(0));
        long[] yShape = y.dims();
        yShape[0] = 2;
        Value r = g.input("r", DType.DOUBLE, yShape);
        Value loss = g.sumAll(g.mul(y, r));
        g.output(loss, "loss");
        List<Value> wrt = new ArrayList<>(weights.values());
        wrt.add(x);
        Autodiff.gradients(g, loss, wrt).forEach((v, grad) -> g.output(grad, "d_" + v));

        Map<String, Input> inputs = new LinkedHashMap<>();
        inputs.put("x", Input.reals(doubles(values(random, 6, c.low(), c.high())), 2, 3));
        for (Map.Entry<String, FloatTensor> w : graph.weights().entrySet()) {
            inputs.put(w.getKey(), Input.reals(doubles(w.getValue().data()), w.getValue().shape()));
        }
        inputs.put("r", Input.reals(doubles(values(random, (int) (yShape[0] * yShape[1]), -1, 1)), yShape));
        try (GradientChecker checker = new GradientChecker(g.buildModel(Map.of()).toByteArray())) {
            for (Value v : wrt) {
                checker.check(inputs, "loss", v.name(), "d_" + v.name(), 64);
            }
        }
    }

    @AfterAll
    static void everySupportedOpIsChecked() {
        assertThat(COVERED).as("ops checked against finite differences").containsAll(ImportedOps.supported());
    }

    @Test
    void anUnsupportedOpIsRefusedByName() {
        byte[] conv = new ForeignModels().input("x", 3).weight("k", new long[] {1, 1, 1}, new float[] {1f})
                .node("Conv", names("x", "k"), "y").output("y", 3).bytes();
        assertThatThrownBy(() -> ForeignGraph.parse(conv)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported ONNX op Conv (node 'conv_0')").hasMessageContaining("Gemm");
    }

    @Test
    void aCustomDomainOpIsRefusedWithItsDomain() {
        byte[] custom = new ForeignModels().input("x", 3).node("Relu", names("x"), "y").output("y", 3).bytes();
        var model = ai.onnx.proto.OnnxMl.ModelProto.newBuilder();
        try {
            model.mergeFrom(custom);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        model.getGraphBuilder().getNodeBuilder(0).setDomain("com.microsoft");
        assertThatThrownBy(() -> ForeignGraph.parse(model.build().toByteArray())).hasMessageContaining("com.microsoft.Relu");
    }

    private static double[] doubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
