package ai.factory.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/**
 * Wide &amp; deep: the logistic model (one weight per hashed sparse id + dense · w) plus a deep part over embeddings of
 * the ids: a ReLU MLP (with the dense features) and their pairwise interactions (a factorization machine's, the sum of
 * the dot products of every two slots' embeddings), summed into one raw output and trained jointly. The deep part's
 * output weights start at zero, so the untrained model is the logistic one and the deep part only adds what it learns;
 * it trains at its own rate ({@link ModelConfig#deepLearningRate()}), the wide part at its own.
 */
public final class WideDeepModel implements ModelDefinition {

    public static final String WIDE_SPARSE_WEIGHTS = "wide.sparse_w";
    public static final String WIDE_DENSE_WEIGHTS = "wide.dense_w";
    /** Prefix of every parameter of the deep part: freeze it to train the logistic model alone. */
    public static final String DEEP = "deep.";
    public static final String EMBEDDING = DEEP + "embedding";
    public static final String HEAD_WEIGHTS = DEEP + "head.w";
    /** The weight of the pairwise interactions in the raw output. */
    public static final String PAIRS_WEIGHT = DEEP + "pairs.w";
    public static final String BIAS = "bias";

    /**
     * Rows of the embedding table at most: the deep part looks ids up modulo this. The wide part keeps the whole hashed
     * space to memorise single ids; the deep part generalises over them, and a table of the full space (2^18 rows on
     * the flights) made every step update 2^18 x k weights and Adam moments, which slowed the loop's training 2.6x.
     */
    public static final int MAX_EMBEDDING_ROWS = 1 << 14;

    /** Integration steps of an explanation, as for the deep model: the wide part alone would need one. */
    public static final int ATTRIBUTION_STEPS = DeepModel.ATTRIBUTION_STEPS;

    private final ModelConfig config;
    private final LogisticModel wide;

    public WideDeepModel(ModelConfig config) {
        this.config = config;
        this.wide = new LogisticModel(config, WIDE_SPARSE_WEIGHTS, WIDE_DENSE_WEIGHTS, BIAS);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> p = wide.weights();
        p.add(new ParamSpec(EMBEDDING, new long[] {embeddingRows(), config.embeddingDim()}, 0.05, true));
        long in = HiddenLayers.addParams(p, config);
        // Zero: the deep part adds nothing until it has learnt something (its gradient is the hidden activations).
        p.add(new ParamSpec(HEAD_WEIGHTS, new long[] {in, 1}, 0, true));
        p.add(new ParamSpec(PAIRS_WEIGHT, new long[] {1, 1}, 0, true));
        p.add(wide.biasParam());
        return p;
    }

    private long embeddingRows() {
        return Math.min(config.buckets(), MAX_EMBEDDING_ROWS);
    }

    /** Per id its wide weight, then its embedding (row id mod the table's rows): [N, S, 1 + k]. */
    @Override
    public Value embed(GraphBuilder g, Value sparse, Map<String, Value> params) {
        Value rows = embeddingRows() == config.buckets() ? sparse
                : g.op("Mod", List.of(sparse, g.longs(embeddingRows())), sparse.type(), sparse.dims(), List.of());
        return g.concat(2, List.of(wide.embed(g, sparse, params), g.gather(params.get(EMBEDDING), rows)));
    }

    @Override
    public Value head(GraphBuilder g, Value dense, Value embedded, Map<String, Value> params) {
        int k = config.embeddingDim();
        Value z = wide.linear(g, dense, g.narrow(embedded, 2, 0, 1), params);                       // [N, 1]
        Value e = g.narrow(embedded, 2, 1, 1 + k);                                                  // [N, S, k]
        Value x = HiddenLayers.forward(g, e, dense, config, params);
        Value deep = g.add(g.matMul(x, params.get(HEAD_WEIGHTS)), g.matMul(pairs(g, e), params.get(PAIRS_WEIGHT)));
        return g.add(g.add(z, deep), params.get(BIAS));
    }

    /**
     * Sum over every two slots of their embeddings' dot product, [N, 1], in linear time: half of (the square of the sum)
     * minus (the sum of the squares). An MLP fed the concatenated embeddings learns such products poorly; the replay of
     * the 200k flights measured what this term adds (online-trainer/README.md).
     */
    static Value pairs(GraphBuilder g, Value embeddings) {
        Value sum = g.reduceSum(embeddings, 1);                                                     // [N, 1, k]
        Value squares = g.reduceSum(g.mul(embeddings, embeddings), 1);
        Value perDim = g.sub(g.mul(sum, sum), squares);
        return g.reshape(g.mul(g.reduceSum(perDim, 2), g.scalar(0.5)), -1, 1);
    }

    @Override
    public int slotWidth() {
        return 1 + config.embeddingDim();
    }

    @Override
    public int attributionSteps() {
        return ATTRIBUTION_STEPS;
    }

    /** The raw output is linear in these: the wide weights, the MLP's output layer and the interactions' weight. */
    @Override
    public List<String> outputWeights() {
        List<String> names = new ArrayList<>(wide.outputWeights());
        names.add(HEAD_WEIGHTS);
        names.add(PAIRS_WEIGHT);
        return names;
    }

    /** Releases from before the pairwise interactions are this model with their weight at zero. */
    @Override
    public Set<String> addedLater() {
        return Set.of(PAIRS_WEIGHT);
    }

    @Override
    public String outputBias() {
        return BIAS;
    }

    @Override
    public double learningRate(String name) {
        return name.startsWith(DEEP) && config.deepLearningRate() > 0 ? config.deepLearningRate() : config.learningRate();
    }
}
