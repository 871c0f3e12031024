package ai.factory.trainer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.topics.TopicCatalog;
import ai.factory.trainer.learner.OnlineLearner;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.TrainerSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training examples per second of the ONNX Runtime training-step graph against the same step in plain Java
 * loops, in the same run, for both model kinds at batch sizes 256, 1024 and 4096; plus rows with K mini-batches
 * per ONNX Runtime run (the K-step Scan graph), compared with one mini-batch per run; plus training straight from
 * an {@code examples} topic (Avro decoding by the trainer's reader, then its training step) next to a plain
 * consumer reading the same records. Run it as {@code factory bench trainer}.
 */
public final class TrainingBenchmark {

    public static final String NAME = "trainer";
    private static final Logger LOG = LoggerFactory.getLogger(TrainingBenchmark.class);
    private static final int[] BATCH_SIZES = {256, 1024, 4096};
    /** The logistic model of every row and of training from the topic. */
    // Adagrad: the plain-Java baseline implements the Adagrad step (JavaLogisticTrainer).
    private static final ModelConfig LOGISTIC = ModelConfig.logistic(16, 8, 4096)
            .withOptimizer(OptimizerKind.ADAGRAD, ModelConfig.ADAGRAD_LEARNING_RATE);
    /** Distinct prepared batches a measurement cycles through. */
    private static final int PREPARED_BATCHES = 8;

    private TrainingBenchmark() {
    }

    /**
     * One measured row.
     *
     * @param stepsPerRun     mini-batches per ONNX Runtime run (1 = the training-step graph)
     * @param ortPerSecond    examples/s through ONNX Runtime with {@code stepsPerRun}
     * @param javaPerSecond   examples/s of the plain-Java step (same for every K of a kind and batch size)
     * @param onePerRunSecond examples/s through ONNX Runtime with one mini-batch per run, for the K ratio
     */
    public record Row(String kind, int batch, int stepsPerRun, double ortPerSecond, double javaPerSecond, double onePerRunSecond) {
    }

    /**
     * The in-memory rows of {@link #run(double, Device, int, int...)}, then {@code examples} examples trained from a
     * fresh {@code examples} topic on {@code kafka}, named after {@code topicPrefix} (the factory's {@code --prefix}).
     */
    public static BenchResult run(KafkaConnection kafka, String topicPrefix, double seconds, Device device, int threads,
                                  int examples, int... stepsPerRun) throws Exception {
        BenchResult.Builder result = BenchResult.builder(NAME, "training examples/s from the examples topic (Avro decoding "
                        + "+ training step) next to a plain consumer reading the same records; the ONNX Runtime step on "
                        + "prepared batches next to the same step in plain Java, and K steps per run next to one")
                .setting("device", device).setting("threads", threads == 0 ? "all cores" : String.valueOf(threads))
                .setting("seconds per in-memory row", seconds).setting("examples on the topic", examples);
        TopicTraining.Rates topic = TopicTraining.measure(kafka, topicPrefix, LOGISTIC, TrainerSessions.open(device, threads), examples);
        result.figure(Figure.against("decode+train from the examples topic", topic.decodeAndTrain(), "examples/s",
                "raw consume of the same records", topic.rawConsume()).withTarget(Target.atLeast(0.8)))
                .figure(Figure.against("decode only (the trainer's reader)", topic.decode(), "examples/s",
                        "raw consume of the same records", topic.rawConsume()));
        List<Row> rows = run(seconds, device, threads, stepsPerRun);
        rows.stream().filter(r -> r.kind().equals(LOGISTIC.kind().label()) && r.batch() == topic.batchSize() && r.stepsPerRun() == 1)
                .findFirst().ifPresent(r -> result.figure(Figure.against("decode+train from the examples topic (vs in memory)",
                        topic.decodeAndTrain(), "examples/s", "ORT step on prepared batches of " + r.batch(), r.ortPerSecond())));
        for (Row r : rows) {
            String name = r.kind() + ", batch " + r.batch();
            result.figure(r.stepsPerRun() == 1
                    ? Figure.against(name + ", ORT step", r.ortPerSecond(), "examples/s", "plain Java step", r.javaPerSecond())
                    : Figure.against(name + ", ORT " + r.stepsPerRun() + " steps per run", r.ortPerSecond(), "examples/s",
                            "ORT one step per run", r.onePerRunSecond()));
        }
        return result.note("from the topic: " + topic.examples() + " LabeledExample records on " + TopicCatalog.DEFAULT_PARTITIONS
                        + " partitions, the trainer's ExampleReader and OnlineLearner (logistic, dense " + LOGISTIC.denseSize()
                        + ", sparse " + LOGISTIC.sparseWidth() + ", " + LOGISTIC.buckets() + " buckets, batch " + topic.batchSize()
                        + ", the trainer's default), one thread polling, decoding and training; Flink, checkpoints and release "
                        + "evaluation left out; better of two rounds")
                .note("in memory: logistic as above and deep (8-wide embeddings, hidden 64), prepared batches, after a "
                        + "warm-up of a quarter of the measuring time")
                .build();
    }

    /**
     * Measures every model kind and batch size for about {@code seconds} each: plain Java, ONNX Runtime with one
     * mini-batch per run, and ONNX Runtime with each of {@code stepsPerRun} (values above 1) per run.
     */
    public static List<Row> run(double seconds, Device device, int threads, int... stepsPerRun) throws Exception {
        List<Row> rows = new ArrayList<>();
        ModelConfig logistic = LOGISTIC;
        ModelConfig deep = ModelConfig.deep(16, 8, 4096).withArchitecture(8, List.of(64));
        SessionFactory sessions = TrainerSessions.open(device, threads);
        int[] extra = Arrays.stream(stepsPerRun).filter(k -> k > 1).distinct().toArray();
        for (ModelConfig config : List.of(logistic, deep)) {
            List<OnlineLearner> multi = new ArrayList<>();
            try (OnlineLearner single = OnlineLearner.open(config, sessions, TrainingState.initial(config))) {
                for (int k : extra) {
                    multi.add(OnlineLearner.open(config, sessions, k, TrainingState.initial(config)));
                }
                LOG.info("{} on {}", config.kind().label(), single.runsOn());
                for (int batchSize : BATCH_SIZES) {
                    List<Batch> batches = batches(config, batchSize);
                    double plain = measure(seconds, new Loop(JavaTrainer.open(config, TrainingState.initial(config)), 1, batches));
                    double one = measure(seconds, new Loop(single, 1, batches));
                    rows.add(new Row(config.kind().label(), batchSize, 1, one, plain, one));
                    for (int i = 0; i < extra.length; i++) {
                        double many = measure(seconds, new Loop(multi.get(i), extra[i], batches));
                        rows.add(new Row(config.kind().label(), batchSize, extra[i], many, plain, one));
                    }
                }
            } finally {
                for (OnlineLearner learner : multi) {
                    learner.close();
                }
            }
        }
        return rows;
    }

    /**
     * Trains a learner on the prepared batches, {@code perCall} of them per {@link #next()} (one ONNX Runtime run for
     * a learner opened with that many steps per run), from its initial state.
     */
    private static final class Loop {
        private final OnlineLearner learner;
        private final int perCall;
        private final List<Batch> batches;
        private int next;

        Loop(OnlineLearner learner, int perCall, List<Batch> batches) {
            this.learner = learner;
            this.perCall = perCall;
            this.batches = batches;
            learner.reset(TrainingState.initial(learner.config()));
        }

        /** Trains on the next batches; returns how many examples it trained on. */
        long next() throws Exception {
            List<Batch> window = new ArrayList<>(perCall);
            long examples = 0;
            for (int i = 0; i < perCall; i++) {
                Batch b = batches.get(next++ % batches.size());
                window.add(b);
                examples += b.size();
            }
            double[] losses = learner.learn(window).losses();
            warnIfNaN(losses[losses.length - 1]);
            return examples;
        }
    }

    private static void warnIfNaN(double loss) {
        if (Double.isNaN(loss)) {
            LOG.warn("loss became NaN during the benchmark");
        }
    }

    private static List<Batch> batches(ModelConfig config, int batchSize) {
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 0.5, batchSize);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < PREPARED_BATCHES; i++) {
            out.add(data.next(batchSize).batch());
        }
        return out;
    }

    /** Examples per second over about {@code seconds}, after a warm-up of a quarter of that. */
    private static double measure(double seconds, Loop workload) throws Exception {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        while (System.nanoTime() < warmEnd) {
            workload.next();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long examples = 0;
        while (System.nanoTime() < end) {
            examples += workload.next();
        }
        return examples / ((System.nanoTime() - start) / 1e9);
    }
}
