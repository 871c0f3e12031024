package ai.factory.trainer.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.options.KafkaOptions;
import ai.factory.trainer.evaluation.ProgressiveMetrics;
import ai.factory.trainer.bench.LabelledStream.Labelled;
import ai.factory.trainer.learner.OnlineLearner;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelDefinition;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.TrainerSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Offline what-if for the online loop: replays the served feature vectors of a stream (read back from Kafka) in
 * event-time order, serves each event with the latest release, and trains on a label only once its feedback time
 * has passed (delayed labels, as in the loop), through the same learner as the trainer ({@link OnlineLearner}).
 * Prints the progressive log loss, AUC and accuracy of several trainer settings side by side with two constant
 * baselines, so a learning-rate or feature-scaling question is settled by numbers rather than by the whole demo.
 * Run it as {@code factory bench delayed-labels}.
 */
@Command(name = "delayed-labels", mixinStandardHelpOptions = true,
        description = {"Replays the served feature vectors and labels of a stream from Kafka in event-time order, learning "
                + "each label only at its feedback time and serving only releases, for each --setting; prints progressive "
                + "log loss, AUC and accuracy next to two constant baselines and a per-example (VW-like) reference.",
                "The topics must still hold the whole stream (create them with --retention forever)."})
public final class DelayedLabelReplay implements Callable<Integer> {

    private static final int SCORE_CHUNK = 8192;
    /** At most this many floats of sparse inputs per scoring call: an imported model's indicators are [N, S, ids]. */
    private static final long SCORE_CHUNK_FLOATS = 1L << 21;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--spec", defaultValue = "flights", paramLabel = "NAME",
            description = "Name of the feature spec whose vectors to replay (default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = "--spec-version", defaultValue = "1", paramLabel = "N", description = "The spec's version (default: ${DEFAULT-VALUE}).")
    int specVersion;

    @Option(names = "--buckets", defaultValue = "" + (1 << 18), paramLabel = "N",
            description = "Size of the spec's hashed id space (default: ${DEFAULT-VALUE}).")
    int buckets;

    @Option(names = "--events", paramLabel = "N",
            description = "Replay only the first N events in event time, to compare with a demo run of --events N (default: all).")
    Integer events;

    @Option(names = "--reference-lr", defaultValue = "0.5", paramLabel = "RATE",
            description = "Learning rate of the per-example reference (default: ${DEFAULT-VALUE}).")
    double referenceLearningRate;

    @Option(names = "--reference-log1p", split = ",", paramLabel = "SLOT",
            description = "Dense slots the reference passes through log1p first (default: none).")
    Set<Integer> referenceLog1p = Set.of();

    @Option(names = "--setting", required = true, paramLabel = "SETTING", converter = SettingConverter.class,
            description = {"A trainer setting to replay; repeat for several. A comma list of key=value, e.g. "
                    + "lr=0.1,batch=256,publish=10000,opt=adagrad,l2=1e-6,kind=logistic,log1p=3:5: kind = logistic, deep or "
                    + "wide-deep, deeplr = the wide-deep model's deep part's learning rate, emb = embedding width, hidden = "
                    + "hidden widths (colon list, e.g. 64:32), publish = examples "
                    + "trained between releases (0 serves the live weights), log1p = dense slots to pass through log1p "
                    + "first (to try a spec change before making it), holdout and tolerance = the promotion gate's, "
                    + "releases = stop publishing after this many (1: the first release serves everything; 0: nothing is trained). Defaults: "
                    + "kind=logistic, batch=256, publish=10000, holdout=0, tolerance=0.002, l2=1e-6, the kind's optimizer "
                    + "and learning rate."})
    List<Setting> settings;

    @Spec
    CommandSpec commandSpec;

    /** One trainer setting to replay. */
    public record Setting(String text, ModelKind kind, OptimizerKind optimizer, Double learningRate, Double deepLearningRate,
                          Integer embeddingDim, List<Integer> hidden, double l2, int batch,
                          long publishEvery, int holdout, double tolerance, int maxReleases, Set<Integer> log1p) {

        private static final Set<String> KEYS = Set.of("kind", "opt", "lr", "deeplr", "emb", "hidden", "l2", "batch", "publish",
                "holdout", "tolerance", "releases", "log1p");

        /**
         * {@code text} as a setting.
         *
         * @throws IllegalArgumentException for an unknown key or a value that does not parse
         */
        public static Setting parse(String text) {
            Map<String, String> kv = new HashMap<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    String[] p = part.split("=", 2);
                    String key = p[0].trim();
                    // A misspelt key would otherwise replay the default silently.
                    if (!KEYS.contains(key)) {
                        throw new IllegalArgumentException("unknown key '" + key + "' in setting '" + text + "'; keys: "
                                + String.join(", ", new TreeSet<>(KEYS)));
                    }
                    kv.put(key, p.length > 1 ? p[1].trim() : "");
                }
            }
            Set<Integer> log1p = new HashSet<>();
            if (kv.containsKey("log1p") && !kv.get("log1p").isBlank()) {
                Arrays.stream(kv.get("log1p").split(":")).map(Integer::valueOf).forEach(log1p::add);
            }
            ModelKind kind = ModelKind.parse(kv.getOrDefault("kind", "logistic"));
            return new Setting(text, kind, kv.containsKey("opt") ? OptimizerKind.parse(kv.get("opt")) : null,
                    kv.containsKey("lr") ? Double.valueOf(kv.get("lr")) : null,
                    kv.containsKey("deeplr") ? Double.valueOf(kv.get("deeplr")) : null,
                    kv.containsKey("emb") ? Integer.valueOf(kv.get("emb")) : null,
                    kv.containsKey("hidden") ? Arrays.stream(kv.get("hidden").split(":")).map(Integer::valueOf).toList() : null,
                    Double.parseDouble(kv.getOrDefault("l2", "1e-6")), Integer.parseInt(kv.getOrDefault("batch", "256")),
                    Long.parseLong(kv.getOrDefault("publish", "10000")), Integer.parseInt(kv.getOrDefault("holdout", "0")),
                    Double.parseDouble(kv.getOrDefault("tolerance", "0.002")),
                    Integer.parseInt(kv.getOrDefault("releases", String.valueOf(Integer.MAX_VALUE))), Set.copyOf(log1p));
        }

        ModelConfig config(int dense, int sparse, int buckets) {
            if (kind == ModelKind.IMPORTED) {
                throw new IllegalArgumentException("setting '" + text + "': an imported model replays from its graph and weights (a start)");
            }
            return tune(ModelConfig.of(kind, dense, sparse, buckets));
        }

        /** {@code c} with this setting's optimizer, learning rate, L2 and architecture (the kind's defaults where it names none). */
        ModelConfig tune(ModelConfig c) {
            OptimizerKind o = optimizer == null ? c.optimizer() : optimizer;
            double lr = learningRate != null ? learningRate : o == c.optimizer() ? c.learningRate() : ModelConfig.defaultLearningRate(kind, o);
            c = c.withOptimizer(o, lr).withL2(l2);
            if (embeddingDim != null || hidden != null) {
                c = c.withArchitecture(embeddingDim != null ? embeddingDim : c.embeddingDim(), hidden != null ? hidden : c.hidden());
            }
            return deepLearningRate != null ? c.withDeepLearningRate(deepLearningRate) : c;
        }
    }

    /** Reads a {@code --setting}; a bad one is a command-line error naming what is wrong. */
    static final class SettingConverter implements CommandLine.ITypeConverter<Setting> {
        @Override
        public Setting convert(String value) {
            try {
                return Setting.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Where a replay starts instead of from scratch: a model and its weights, served from the first event on (as a
     * promoted import is) and trained on from there.
     */
    public record Start(ModelConfig config, Map<String, FloatTensor> params) {
        public Start {
            params = Map.copyOf(params);
        }
    }

    /** The numbers of one replay; {@code served} counts only events scored by a release (as the loop would). */
    public record Outcome(Setting setting, ModelConfig config, ProgressiveMetrics all, ProgressiveMetrics served,
                   ProgressiveMetrics secondHalf, int releases, int promoted, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = commandSpec.commandLine().getOut();
        List<Labelled> stream = LabelledStream.read(kafka.connection(), kafka.topics(), spec, specVersion);
        if (events != null) {
            stream = stream.subList(0, Math.min(stream.size(), events));
        }
        if (stream.isEmpty()) {
            throw new IllegalStateException("no labelled feature vectors of spec " + spec + " v" + specVersion
                    + " on the features and feedback topics" + (kafka.prefix().isEmpty() ? "" : " of prefix " + kafka.prefix()));
        }
        out.println(describe(stream));
        out.println(String.format(Locale.ROOT, "%-56s %8s %7s %7s | %8s %7s %7s | %8s | %9s %6s", "setting", "logloss", "AUC", "acc",
                "served", "AUC", "judged", "2nd half", "promoted", "s"));
        baselines(stream, out);
        ProgressiveMetrics reference = perExampleReference(stream, referenceLearningRate, referenceLog1p);
        out.println(String.format(Locale.ROOT, "%-56s %8.4f %7.4f %7.4f |", "reference: per-example Adagrad (VW-like), live weights",
                reference.logLoss(), reference.auc(), reference.accuracy()));
        out.flush();
        SessionFactory sessions = TrainerSessions.open(Device.CPU, 0);
        for (Setting s : settings) {
            Outcome o = replay(stream, s, buckets, sessions);
            out.println(String.format(Locale.ROOT, "%-56s %8.4f %7.4f %7.4f | %8.4f %7.4f %7d | %8.4f | %4d/%-4d %6.1f",
                    s.text(), o.all().logLoss(), o.all().auc(), o.all().accuracy(), o.served().logLoss(), o.served().auc(),
                    o.served().count(), o.secondHalf().logLoss(), o.promoted(), o.releases(), o.seconds()));
            out.flush();
        }
        return 0;
    }

    /** Event count, positive share and per dense slot the range and mean, to spot unscaled inputs. */
    static String describe(List<Labelled> stream) {
        int d = stream.get(0).dense().length;
        double[] min = new double[d];
        double[] max = new double[d];
        double[] sum = new double[d];
        double[] sq = new double[d];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        double positives = 0;
        double delay = 0;
        for (Labelled e : stream) {
            positives += e.label();
            delay += e.labelMillis() - e.eventMillis();
            for (int j = 0; j < d; j++) {
                double x = e.dense()[j];
                min[j] = Math.min(min[j], x);
                max[j] = Math.max(max[j], x);
                sum[j] += x;
                sq[j] += x * x;
            }
        }
        int n = stream.size();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d labelled events, %.2f%% positive, mean label delay %.0f min%n",
                n, 100 * positives / n, delay / n / 60_000));
        for (int j = 0; j < d; j++) {
            double mean = sum[j] / n;
            b.append(String.format(Locale.ROOT, "  dense[%d]: min %.3f max %.3f mean %.3f std %.3f%n", j, min[j], max[j], mean,
                    Math.sqrt(Math.max(0, sq[j] / n - mean * mean))));
        }
        return b.toString();
    }

    /** The base rate in hindsight, and the base rate known so far under the same label delay. */
    static void baselines(List<Labelled> stream, PrintWriter out) {
        ProgressiveMetrics hindsight = new ProgressiveMetrics();
        ProgressiveMetrics running = new ProgressiveMetrics();
        double rate = stream.stream().mapToDouble(Labelled::label).average().orElseThrow();
        List<Labelled> byLabel = new ArrayList<>(stream);
        byLabel.sort(Comparator.comparingLong(Labelled::labelMillis));
        int next = 0;
        double seen = 0;
        double positives = 0;
        for (Labelled e : stream) {
            while (next < byLabel.size() && byLabel.get(next).labelMillis() <= e.eventMillis()) {
                positives += byLabel.get(next++).label();
                seen++;
            }
            hindsight.add(rate, e.label());
            running.add(seen == 0 ? 0.5 : (positives + 1) / (seen + 2), e.label());
        }
        out.println(String.format(Locale.ROOT, "%-56s %8.4f %7s %7.4f |", "constant: base rate in hindsight",
                hindsight.logLoss(), "-", hindsight.accuracy()));
        out.println(String.format(Locale.ROOT, "%-56s %8.4f %7s %7.4f |", "constant: base rate of the labels known so far",
                running.logLoss(), "-", running.accuracy()));
    }

    /**
     * The same delayed-label protocol with a plain per-example learner in the manner of Vowpal Wabbit's default
     * (one update per label, per-coordinate Adagrad from a zero accumulator, no regularization), as a yardstick
     * for what these features allow; dense slots in {@code log1p} are log-transformed first.
     */
    static ProgressiveMetrics perExampleReference(List<Labelled> stream, double learningRate, Set<Integer> log1p) {
        Map<Long, double[]> sparse = new HashMap<>(); // id -> {weight, sum of squared gradients}
        int d = stream.get(0).dense().length;
        double[] denseW = new double[d + 1]; // last slot: bias
        double[] denseG = new double[d + 1];
        List<Labelled> byLabel = new ArrayList<>(stream);
        byLabel.sort(Comparator.comparingLong(Labelled::labelMillis));
        ProgressiveMetrics metrics = new ProgressiveMetrics();
        int next = 0;
        for (Labelled e : stream) {
            while (next < byLabel.size() && byLabel.get(next).labelMillis() <= e.eventMillis()) {
                Labelled l = byLabel.get(next++);
                double[] x = inputs(l, log1p);
                double g = sigmoid(logit(l, x, denseW, sparse)) - l.label();
                for (int j = 0; j <= d; j++) {
                    double gj = g * x[j];
                    denseG[j] += gj * gj;
                    if (denseG[j] > 0) {
                        denseW[j] -= learningRate * gj / Math.sqrt(denseG[j]);
                    }
                }
                for (long id : l.sparse()) {
                    double[] w = sparse.computeIfAbsent(id, k -> new double[2]);
                    w[1] += g * g;
                    if (w[1] > 0) {
                        w[0] -= learningRate * g / Math.sqrt(w[1]);
                    }
                }
            }
            metrics.add(sigmoid(logit(e, inputs(e, log1p), denseW, sparse)), e.label());
        }
        return metrics;
    }

    private static double[] inputs(Labelled e, Set<Integer> log1p) {
        int d = e.dense().length;
        double[] x = new double[d + 1];
        for (int j = 0; j < d; j++) {
            x[j] = log1p.contains(j) ? Math.log1p(Math.max(0, e.dense()[j])) : e.dense()[j];
        }
        x[d] = 1;
        return x;
    }

    private static double logit(Labelled e, double[] x, double[] denseW, Map<Long, double[]> sparse) {
        double z = 0;
        for (int j = 0; j < x.length; j++) {
            z += x[j] * denseW[j];
        }
        for (long id : e.sparse()) {
            double[] w = sparse.get(id);
            z += w == null ? 0 : w[0];
        }
        return z;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Progressive validation with delayed labels: serve, then learn each label once its time has come. */
    public static Outcome replay(List<Labelled> stream, Setting s, int buckets, SessionFactory sessions) throws Exception {
        int d = stream.get(0).dense().length;
        int w = stream.get(0).sparse().length;
        return replay(stream, s, s.config(d, w, buckets), null, sessions);
    }

    /**
     * The same replay from {@code start}: its model trained with {@code s}'s optimizer, learning rate and L2, its
     * weights the champion until the first release; {@code releases=0} serves them unchanged throughout (frozen).
     */
    public static Outcome replay(List<Labelled> stream, Setting s, Start start, SessionFactory sessions) throws Exception {
        if (s.kind() != start.config().kind()) {
            throw new IllegalArgumentException("setting '" + s.text() + "' is of kind " + s.kind().label() + ", the start of kind "
                    + start.config().kind().label());
        }
        return replay(stream, s, s.tune(start.config()), start.params(), sessions);
    }

    private static Outcome replay(List<Labelled> stream, Setting s, ModelConfig config, Map<String, FloatTensor> startParams,
                                  SessionFactory sessions) throws Exception {
        long started = System.nanoTime();
        List<Labelled> byLabel = new ArrayList<>(stream);
        byLabel.sort(Comparator.comparingLong(Labelled::labelMillis));
        ProgressiveMetrics all = new ProgressiveMetrics();
        ProgressiveMetrics served = new ProgressiveMetrics();
        ProgressiveMetrics secondHalf = new ProgressiveMetrics();
        TrainingState start = TrainingState.startingFrom(config, startParams);
        try (OnlineLearner learner = OnlineLearner.open(config, sessions, start)) {
            Map<String, FloatTensor> champion = startParams;
            Map<String, FloatTensor> candidate = null;
            double candidateLoss = 0;
            double championLoss = 0;
            int judged = 0;
            int releases = 0;
            int promoted = 0;
            long half = stream.get(stream.size() / 2).eventMillis();
            long trainedSinceCut = 0;
            List<Labelled> buffer = new ArrayList<>();
            List<Labelled> waiting = new ArrayList<>();
            int next = 0;
            for (Labelled e : stream) {
                while (next < byLabel.size() && byLabel.get(next).labelMillis() <= e.eventMillis()) {
                    buffer.add(byLabel.get(next++));
                    if (buffer.size() < s.batch()) {
                        continue;
                    }
                    Batch b = batch(buffer, config, s.log1p());
                    buffer.clear();
                    if (candidate != null) {
                        // As the trainer does: a cut release is judged on the next examples it has not trained on.
                        float[] c = learner.predict(candidate, b);
                        float[] h = champion == null ? null : learner.predict(champion, b);
                        for (int i = 0; i < b.size(); i++) {
                            candidateLoss += config.task().loss(c[i], b.labels()[i]);
                            championLoss += h == null ? 0 : config.task().loss(h[i], b.labels()[i]);
                        }
                        judged += b.size();
                    }
                    if (candidate != null && judged >= s.holdout()) {
                        releases++;
                        if (champion == null || candidateLoss / judged <= championLoss / judged + s.tolerance()) {
                            score(waiting, champion, config, s.log1p(), learner, all, served, secondHalf, half);
                            champion = candidate;
                            promoted++;
                        }
                        candidate = null;
                    }
                    if (s.maxReleases() == 0) {
                        continue; // nothing trained would ever be served
                    }
                    learner.learn(b);
                    trainedSinceCut += b.size();
                    if (candidate == null && trainedSinceCut >= Math.max(1, s.publishEvery()) && releases < s.maxReleases()) {
                        trainedSinceCut = 0;
                        candidate = learner.state().params();
                        candidateLoss = 0;
                        championLoss = 0;
                        judged = 0;
                        if (s.holdout() == 0) {
                            score(waiting, champion, config, s.log1p(), learner, all, served, secondHalf, half);
                            champion = candidate;
                            candidate = null;
                            releases++;
                            promoted++;
                        }
                    }
                }
                waiting.add(e);
            }
            Map<String, FloatTensor> release = champion;
            score(waiting, release, config, s.log1p(), learner, all, served, secondHalf, half);
            return new Outcome(s, config, all, served, secondHalf, releases, promoted, (System.nanoTime() - started) / 1e9);
        }
    }

    /** Scores the waiting events with the champion's weights; before the first champion they count as 0.5 in {@code all}. */
    private static void score(List<Labelled> events, Map<String, FloatTensor> params, ModelConfig config,
                              Set<Integer> log1p, OnlineLearner learner, ProgressiveMetrics all,
                              ProgressiveMetrics served, ProgressiveMetrics secondHalf, long half) throws Exception {
        if (params == null) {
            events.forEach(e -> all.add(0.5, e.label()));
            events.clear();
            return;
        }
        long perRow = (long) config.sparseWidth() * ModelDefinition.of(config).slotWidth();
        int rows = (int) Math.max(256, Math.min(SCORE_CHUNK, SCORE_CHUNK_FLOATS / Math.max(1, perRow)));
        for (int from = 0; from < events.size(); from += rows) {
            List<Labelled> chunk = events.subList(from, Math.min(events.size(), from + rows));
            float[] scores = learner.predict(params, batch(chunk, config, log1p));
            for (int i = 0; i < chunk.size(); i++) {
                all.add(scores[i], chunk.get(i).label());
                served.add(scores[i], chunk.get(i).label());
                if (chunk.get(i).eventMillis() >= half) {
                    secondHalf.add(scores[i], chunk.get(i).label());
                }
            }
        }
        events.clear();
    }

    private static Batch batch(List<Labelled> examples, ModelConfig c, Set<Integer> log1p) {
        int n = examples.size();
        float[] dense = new float[n * c.denseSize()];
        long[] sparse = new long[n * c.sparseWidth()];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            Labelled e = examples.get(i);
            for (int j = 0; j < c.denseSize(); j++) {
                float x = e.dense()[j];
                dense[i * c.denseSize() + j] = log1p.contains(j) ? (float) Math.log1p(Math.max(0, x)) : x;
            }
            System.arraycopy(e.sparse(), 0, sparse, i * c.sparseWidth(), c.sparseWidth());
            labels[i] = e.label();
        }
        return new Batch(n, c.denseSize(), c.sparseWidth(), dense, sparse, labels);
    }
}
