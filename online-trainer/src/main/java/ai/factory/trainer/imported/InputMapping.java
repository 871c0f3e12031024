package ai.factory.trainer.imported;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import ai.factory.trainer.model.ModelConfig;
import ai.onnx.proto.OnnxMl;

/**
 * How the spec's inputs feed an imported graph, and what its output means. A mapping file is Java properties:
 * <pre>
 * input.NAME = dense                        # the whole dense vector [N, D], in the spec's order
 * input.NAME = dense:3, dense:distance, sparse:48213, ...
 *                                           # the columns of a float input [N, F]: a dense value by index or by
 *                                           # spec feature name, or 1 when the example has that hashed sparse id
 * output = NAME                             # default: the graph's first output
 * positive_class = 1                        # the column of the positive class of a two-column output (default 1)
 * </pre>
 * Without a line for it, an input called {@code dense} is the dense vector.
 *
 * @param inputs        per data input of the graph, its columns ({@link #WHOLE_DENSE} alone for the whole vector)
 * @param output        the output read as the model's prediction
 * @param positiveClass the positive class's column of a two-column output
 */
public record InputMapping(Map<String, List<Column>> inputs, String output, int positiveClass) {

    /** One column of an imported graph's input: the dense value at {@code index}, or the indicator of sparse id {@code index}. */
    public record Column(boolean dense, int index) {
    }

    /** The marker of an input that takes the whole dense vector. */
    public static final List<Column> WHOLE_DENSE = List.of(new Column(true, -1));

    public InputMapping {
        inputs = Map.copyOf(inputs);
    }

    /** Resolves the mapping text {@code text} (empty: by names alone) for {@code graph} under {@code config}'s shapes. */
    public static InputMapping parse(String text, ForeignGraph graph, ModelConfig config) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("input.") && !key.equals("output") && !key.equals("positive_class")) {
                throw new IllegalArgumentException("mapping: unknown key '" + key + "' (keys: input.NAME, output, positive_class)");
            }
        }
        Map<String, List<Column>> inputs = new LinkedHashMap<>();
        for (OnnxMl.ValueInfoProto in : graph.dataInputs()) {
            String name = in.getName();
            String spec = p.getProperty("input." + name);
            List<Column> columns;
            if (spec == null) {
                if (!name.equals("dense")) {
                    throw new IllegalArgumentException("mapping: say which features feed the graph's input '" + name
                            + "' (input." + name + " = dense, or its columns: dense:INDEX|NAME, sparse:ID, ...)");
                }
                columns = WHOLE_DENSE;
            } else if (spec.trim().equals("dense")) {
                columns = WHOLE_DENSE;
            } else {
                columns = columns(name, spec, config);
            }
            checkShape(in, columns, config);
            inputs.put(name, columns);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("input.") && !inputs.containsKey(key.substring("input.".length()))) {
                throw new IllegalArgumentException("mapping: the graph has no data input '" + key.substring("input.".length())
                        + "' (it has " + inputs.keySet() + ")");
            }
        }
        String output = p.getProperty("output", graph.outputs().get(0)).trim();
        if (!graph.outputs().contains(output)) {
            throw new IllegalArgumentException("mapping: the graph has no output '" + output + "' (it has " + graph.outputs() + ")");
        }
        int positive = Integer.parseInt(p.getProperty("positive_class", "1").trim());
        if (positive != 0 && positive != 1) {
            throw new IllegalArgumentException("mapping: positive_class is 0 or 1, got " + positive);
        }
        return new InputMapping(inputs, output, positive);
    }

    /** The distinct sparse ids any input reads, ascending: the width of an example's indicator vector. */
    public long[] sparseIds() {
        TreeSet<Integer> ids = new TreeSet<>();
        inputs.values().forEach(cols -> cols.stream().filter(c -> !c.dense()).forEach(c -> ids.add(c.index())));
        return ids.stream().mapToLong(Integer::longValue).toArray();
    }

    private static List<Column> columns(String input, String spec, ModelConfig config) {
        List<String> denseNames = config.slotFeatures().isEmpty() ? List.of() : config.slotFeatures().subList(0, config.denseSize());
        List<Column> columns = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String item = raw.trim();
            int colon = item.indexOf(':');
            String kind = colon < 0 ? "" : item.substring(0, colon).trim();
            String ref = colon < 0 ? item : item.substring(colon + 1).trim();
            switch (kind) {
                case "dense" -> {
                    int index = ref.chars().allMatch(Character::isDigit) && !ref.isEmpty() ? Integer.parseInt(ref) : denseNames.indexOf(ref);
                    if (index < 0 || index >= config.denseSize()) {
                        throw new IllegalArgumentException("mapping: input." + input + ": no dense feature '" + ref + "' (the spec has "
                                + config.denseSize() + (denseNames.isEmpty() ? "" : ": " + denseNames) + ")");
                    }
                    columns.add(new Column(true, index));
                }
                case "sparse" -> {
                    int id;
                    try {
                        id = Integer.parseInt(ref);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("mapping: input." + input + ": a sparse column is a hashed id, got '" + ref + "'");
                    }
                    if (id < 0 || id >= config.buckets()) {
                        throw new IllegalArgumentException("mapping: input." + input + ": sparse id " + id + " is outside the spec's "
                                + config.buckets() + " buckets");
                    }
                    columns.add(new Column(false, id));
                }
                default -> throw new IllegalArgumentException("mapping: input." + input + ": a column is dense:INDEX|NAME or sparse:ID, got '"
                        + item + "'");
            }
        }
        return List.copyOf(columns);
    }

    private static void checkShape(OnnxMl.ValueInfoProto in, List<Column> columns, ModelConfig config) {
        OnnxMl.TypeProto.Tensor t = in.getType().getTensorType();
        if (t.getElemType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("the graph's input '" + in.getName() + "' is not float32: only float inputs can be mapped");
        }
        long width = columns.equals(WHOLE_DENSE) ? config.denseSize() : columns.size();
        var dims = t.getShape().getDimList();
        if (dims.size() != 2 || (dims.get(1).hasDimValue() && dims.get(1).getDimValue() != width)) {
            throw new IllegalArgumentException("the graph's input '" + in.getName() + "' is " + describe(t)
                    + "; the mapping gives it [N, " + width + "]");
        }
    }

    private static String describe(OnnxMl.TypeProto.Tensor t) {
        List<String> dims = new ArrayList<>();
        t.getShape().getDimList().forEach(d -> dims.add(d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam()));
        return dims.toString();
    }
}
