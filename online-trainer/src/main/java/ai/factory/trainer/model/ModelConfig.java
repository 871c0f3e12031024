package ai.factory.trainer.model;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Everything that defines a model and how it learns: shapes, architecture, optimizer and its
 * hyper-parameters. One config yields both the inference graph and the training-step graph.
 *
 * @param denseSize    D, the length of the dense input
 * @param sparseWidth  S, hashed ids per example
 * @param buckets      size of the hashed id space
 * @param embeddingDim embedding width per sparse id (deep model)
 * @param hidden       hidden layer widths (deep model)
 * @param deepLearningRate the learning rate of a wide &amp; deep model's deep part (the wide part and every other
 *                     kind train at {@code learningRate}); 0 for {@code learningRate} throughout
 * @param l2           L2 penalty on weights (not biases), added to the loss as l2/2 * sum(w^2)
 * @param frozen       parameter names, or name prefixes ending in '.', that are not updated
 * @param labelMean    the expected label, which the initial weights serve. Regression: the label's location; the
 *                     model learns (label - labelMean) / labelStd and serves labelMean + labelStd * raw, so one
 *                     learning rate fits any label scale. Binary: the base rate in (0, 1), added as its logit to the
 *                     raw output, so an untrained model serves the base rate instead of 0.5; 0 for none
 * @param labelStd     regression: the label's scale, &gt; 0 (binary: 1)
 * @param slotFeatures the spec feature of each input slot, dense slots then sparse ones (D + S names, which an
 *                     explanation groups its parts by), or empty when not known
 * @param imported     the graph and input mapping of a model trained elsewhere ({@link ModelKind#IMPORTED}), else null
 */
public record ModelConfig(ModelKind kind, Task task, int denseSize, int sparseWidth, int buckets,
                          int embeddingDim, List<Integer> hidden, OptimizerKind optimizer,
                          double learningRate, double deepLearningRate, double l2, long seed, Set<String> frozen,
                          double labelMean, double labelStd, List<String> slotFeatures,
                          ImportedGraph imported) implements Serializable {

    // The defaults, each written once: the trainer's command line shows them.
    public static final double ADAGRAD_LEARNING_RATE = 0.1;
    public static final double ADAM_LEARNING_RATE = 1e-3;
    /**
     * Adam's rate for logistic models: the best of the settings replayed on the 200k flights (online-trainer/README.md:
     * Adam 0.01 gave 0.507 against 0.520 for Adagrad 0.1, 0.522 for Adam 0.003 and 0.535 for Adam 0.03).
     */
    public static final double LOGISTIC_ADAM_LEARNING_RATE = 0.01;
    public static final double DEFAULT_L2 = 1e-6;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_EMBEDDING_DIM = 8;
    public static final int DEFAULT_HIDDEN = 64;
    /*
     * Wide & deep's defaults: the best of the settings replayed on the 200k flights on spec v3 (online-trainer/README.md:
     * 0.4969 against 0.5004 for the best logistic model; the wide part at 0.01 gave 0.4996, embeddings of 8 gave 0.4982).
     */
    public static final int WIDE_DEEP_EMBEDDING_DIM = 16;
    public static final int WIDE_DEEP_HIDDEN = 16;
    public static final double WIDE_DEEP_DEEP_LEARNING_RATE = 2e-3;
    /** Adam's rate for a wide &amp; deep model's wide part: slower than a logistic model's, the deep part sharing the work. */
    public static final double WIDE_DEEP_WIDE_LEARNING_RATE = 7e-3;
    /** Property keys of an imported model's graph (base64, weights left out) and input mapping. */
    public static final String IMPORTED_GRAPH = "imported_graph";
    public static final String IMPORTED_MAPPING = "imported_mapping";

    public ModelConfig {
        hidden = List.copyOf(hidden);
        frozen = Set.copyOf(frozen);
        slotFeatures = List.copyOf(slotFeatures);
        if (!slotFeatures.isEmpty() && slotFeatures.size() != denseSize + sparseWidth) {
            throw new IllegalArgumentException("need one slot feature per input slot (" + (denseSize + sparseWidth) + "), got "
                    + slotFeatures.size());
        }
        if (!Double.isFinite(labelMean) || !Double.isFinite(labelStd) || labelStd <= 0) {
            throw new IllegalArgumentException("need a finite label mean and a finite label std > 0, got mean " + labelMean
                    + " and std " + labelStd);
        }
        if (task == Task.BINARY && (labelMean < 0 || labelMean >= 1 || labelStd != 1)) {
            throw new IllegalArgumentException("a binary model's label mean is a base rate in (0, 1) (0 for none) and its "
                    + "label std is 1, got mean " + labelMean + " and std " + labelStd);
        }
        if (denseSize < 0 || sparseWidth < 1 || buckets < 1) {
            throw new IllegalArgumentException("need denseSize >= 0, sparseWidth >= 1 and buckets >= 1");
        }
        if (imported != null && kind != ModelKind.IMPORTED) {
            throw new IllegalArgumentException("only an imported model carries an imported graph");
        }
        if ((kind == ModelKind.DEEP || kind == ModelKind.WIDE_DEEP) && (embeddingDim < 1 || hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1))) {
            throw new IllegalArgumentException("a " + kind.label() + " model needs embeddingDim >= 1 and at least one hidden layer");
        }
        if (!Double.isFinite(deepLearningRate) || deepLearningRate < 0) {
            throw new IllegalArgumentException("the deep part's learning rate is >= 0 (0: the learning rate), got " + deepLearningRate);
        }
    }

    /** A config with the identity label scale (mean 0, std 1): what every model was before label standardisation. */
    public ModelConfig(ModelKind kind, Task task, int denseSize, int sparseWidth, int buckets, int embeddingDim,
                       List<Integer> hidden, OptimizerKind optimizer, double learningRate, double l2, long seed,
                       Set<String> frozen) {
        this(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, 0, l2, seed, frozen, 0, 1, List.of(), null);
    }

    /** Logistic regression with Adam at {@value #LOGISTIC_ADAM_LEARNING_RATE} and a light L2. */
    public static ModelConfig logistic(int denseSize, int sparseWidth, int buckets) {
        return new ModelConfig(ModelKind.LOGISTIC, Task.BINARY, denseSize, sparseWidth, buckets, 0, List.of(),
                OptimizerKind.ADAM, LOGISTIC_ADAM_LEARNING_RATE, DEFAULT_L2, DEFAULT_SEED, Set.of());
    }

    /**
     * The learning rate a model of {@code kind} trains with under {@code optimizer} unless told otherwise (of a wide &amp;
     * deep model: its wide part's, which is a logistic model).
     */
    public static double defaultLearningRate(ModelKind kind, OptimizerKind optimizer) {
        if (optimizer == OptimizerKind.ADAGRAD) {
            return ADAGRAD_LEARNING_RATE;
        }
        return switch (kind) {
            case LOGISTIC -> LOGISTIC_ADAM_LEARNING_RATE;
            case WIDE_DEEP -> WIDE_DEEP_WIDE_LEARNING_RATE;
            case DEEP, IMPORTED -> ADAM_LEARNING_RATE;
        };
    }

    /**
     * Wide &amp; deep: the logistic model (Adam at {@value #WIDE_DEEP_WIDE_LEARNING_RATE}) plus embeddings of width
     * {@value #WIDE_DEEP_EMBEDDING_DIM} and one hidden layer of {@value #WIDE_DEEP_HIDDEN}, trained by Adam at
     * {@value #WIDE_DEEP_DEEP_LEARNING_RATE}.
     */
    public static ModelConfig wideDeep(int denseSize, int sparseWidth, int buckets) {
        return new ModelConfig(ModelKind.WIDE_DEEP, Task.BINARY, denseSize, sparseWidth, buckets, WIDE_DEEP_EMBEDDING_DIM,
                List.of(WIDE_DEEP_HIDDEN), OptimizerKind.ADAM, WIDE_DEEP_WIDE_LEARNING_RATE, WIDE_DEEP_DEEP_LEARNING_RATE, DEFAULT_L2,
                DEFAULT_SEED, Set.of(), 0, 1, List.of(), null);
    }

    /** The defaults of {@code kind} for these input sizes. */
    public static ModelConfig of(ModelKind kind, int denseSize, int sparseWidth, int buckets) {
        return switch (kind) {
            case LOGISTIC -> logistic(denseSize, sparseWidth, buckets);
            case DEEP -> deep(denseSize, sparseWidth, buckets);
            case WIDE_DEEP -> wideDeep(denseSize, sparseWidth, buckets);
            case IMPORTED -> imported(denseSize, sparseWidth, buckets);
        };
    }

    /**
     * A model trained elsewhere, with Adam at {@value #ADAM_LEARNING_RATE}; its graph (null here) comes with the
     * release it is fine-tuned from ({@link #withImported}).
     */
    public static ModelConfig imported(int denseSize, int sparseWidth, int buckets) {
        return new ModelConfig(ModelKind.IMPORTED, Task.BINARY, denseSize, sparseWidth, buckets, 0, List.of(),
                OptimizerKind.ADAM, ADAM_LEARNING_RATE, DEFAULT_L2, DEFAULT_SEED, Set.of());
    }

    /** Embeddings of width 8 and one hidden layer of 64, with Adam at 0.001. */
    public static ModelConfig deep(int denseSize, int sparseWidth, int buckets) {
        return new ModelConfig(ModelKind.DEEP, Task.BINARY, denseSize, sparseWidth, buckets, DEFAULT_EMBEDDING_DIM,
                List.of(DEFAULT_HIDDEN), OptimizerKind.ADAM, ADAM_LEARNING_RATE, DEFAULT_L2, DEFAULT_SEED, Set.of());
    }

    /** The task; switching to binary resets the label scale to 0/1, which binary models require. */
    public ModelConfig withTask(Task t) {
        return new ModelConfig(kind, t, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, deepLearningRate, l2, seed, frozen,
                t == Task.BINARY ? 0 : labelMean, t == Task.BINARY ? 1 : labelStd, slotFeatures, imported);
    }

    /**
     * Regression labels standardised by {@code mean} and {@code std}; for binary labels a base rate {@code mean} (std 1).
     * Fixed for the model's life: its weights depend on them.
     */
    public ModelConfig withLabelScale(double mean, double std) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, deepLearningRate, l2, seed, frozen,
                mean, std, slotFeatures, imported);
    }

    /** Whether the raw output is shifted or scaled, i.e. the scale is not the identity (mean 0, std 1). */
    public boolean scalesLabels() {
        return labelMean != 0 || labelStd != 1;
    }

    /** What is added to a binary model's raw output: the logit of its base rate (0 without one). */
    public double logitOffset() {
        return task == Task.BINARY && labelMean > 0 ? Math.log(labelMean / (1 - labelMean)) : 0;
    }

    /** Another optimizer and rate; under another optimizer the deep part's rate, tuned for this one, becomes the rate. */
    public ModelConfig withOptimizer(OptimizerKind o, double lr) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, o, lr, o == optimizer ? deepLearningRate : 0,
                l2, seed, frozen, labelMean, labelStd, slotFeatures, imported);
    }

    public ModelConfig withLearningRate(double lr) {
        return withOptimizer(optimizer, lr);
    }

    /** The learning rate of a wide &amp; deep model's deep part (0: the learning rate). */
    public ModelConfig withDeepLearningRate(double lr) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, lr, l2, seed, frozen, labelMean, labelStd, slotFeatures, imported);
    }

    public ModelConfig withL2(double penalty) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, deepLearningRate, penalty, seed, frozen, labelMean, labelStd, slotFeatures, imported);
    }

    public ModelConfig withSeed(long s) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, deepLearningRate, l2, s, frozen, labelMean, labelStd, slotFeatures, imported);
    }

    public ModelConfig withArchitecture(int embedding, List<Integer> layers) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embedding, layers, optimizer, learningRate, deepLearningRate, l2, seed, frozen, labelMean, labelStd, slotFeatures, imported);
    }

    public ModelConfig withFrozen(Set<String> names) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, deepLearningRate, l2, seed, names, labelMean, labelStd, slotFeatures, imported);
    }

    /** Names the input slots by their spec features (see the record's {@code slotFeatures}). */
    public ModelConfig withSlotFeatures(List<String> names) {
        return new ModelConfig(kind, task, denseSize, sparseWidth, buckets, embeddingDim, hidden, optimizer, learningRate, deepLearningRate, l2, seed, frozen,
                labelMean, labelStd, names, imported);
    }

    /** An imported model: the given graph and mapping, with everything else of this config. */
    public ModelConfig withImported(ImportedGraph graph) {
        return new ModelConfig(ModelKind.IMPORTED, task, denseSize, sparseWidth, buckets, 0, List.of(), optimizer, learningRate, 0, l2,
                seed, frozen, labelMean, labelStd, slotFeatures, graph);
    }

    /**
     * Whether the parameter called {@code name} is frozen: an entry names it, is a prefix of it ending in '.', or is a
     * pattern with '*' (any run of characters) that matches it.
     */
    public boolean isFrozen(String name) {
        return frozen.stream().anyMatch(f -> f.equals(name) || (f.endsWith(".") && name.startsWith(f))
                || (f.contains("*") && name.matches(globRegex(f))));
    }

    private static String globRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(java.util.regex.Pattern.quote(part));
        }
        return regex.toString();
    }

    /** The config as flat strings, stored in the ONNX metadata and release provenance. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("model_kind", kind.label());
        p.put("task", task.name().toLowerCase());
        p.put("dense_size", String.valueOf(denseSize));
        p.put("sparse_width", String.valueOf(sparseWidth));
        p.put("sparse_buckets", String.valueOf(buckets));
        p.put("embedding_dim", String.valueOf(embeddingDim));
        p.put("hidden", hidden.stream().map(String::valueOf).collect(Collectors.joining(",")));
        p.put("optimizer", optimizer.name().toLowerCase());
        p.put("learning_rate", String.valueOf(learningRate));
        if (deepLearningRate > 0) {
            p.put("deep_learning_rate", String.valueOf(deepLearningRate));
        }
        p.put("l2", String.valueOf(l2));
        p.put("seed", String.valueOf(seed));
        p.put("frozen", String.join(",", new TreeSet<>(frozen)));
        p.put("label_mean", String.valueOf(labelMean));
        p.put("label_std", String.valueOf(labelStd));
        if (!slotFeatures.isEmpty()) {
            p.put("slot_features", String.join(",", slotFeatures));
        }
        if (imported != null) {
            p.put(IMPORTED_GRAPH, imported.graph());
            p.put(IMPORTED_MAPPING, imported.mapping());
        }
        return p;
    }

    /** Reads a config written by {@link #toProperties()}; one written before label scales existed reads as mean 0, std 1. */
    public static ModelConfig fromProperties(Map<String, String> p) {
        String hidden = p.getOrDefault("hidden", "");
        String frozen = p.getOrDefault("frozen", "");
        return new ModelConfig(ModelKind.parse(p.get("model_kind")), Task.valueOf(p.get("task").toUpperCase()),
                Integer.parseInt(p.get("dense_size")), Integer.parseInt(p.get("sparse_width")),
                Integer.parseInt(p.get("sparse_buckets")), Integer.parseInt(p.getOrDefault("embedding_dim", "0")),
                hidden.isBlank() ? List.of() : java.util.Arrays.stream(hidden.split(",")).map(Integer::valueOf).toList(),
                OptimizerKind.parse(p.get("optimizer")), Double.parseDouble(p.get("learning_rate")),
                Double.parseDouble(p.getOrDefault("deep_learning_rate", "0")),
                Double.parseDouble(p.get("l2")), Long.parseLong(p.get("seed")),
                frozen.isBlank() ? Set.of() : Set.of(frozen.split(",")),
                Double.parseDouble(p.getOrDefault("label_mean", "0")), Double.parseDouble(p.getOrDefault("label_std", "1")),
                p.getOrDefault("slot_features", "").isBlank() ? List.of() : List.of(p.get("slot_features").split(",")),
                p.containsKey(IMPORTED_GRAPH) ? new ImportedGraph(p.get(IMPORTED_GRAPH), p.getOrDefault(IMPORTED_MAPPING, "")) : null);
    }
}
