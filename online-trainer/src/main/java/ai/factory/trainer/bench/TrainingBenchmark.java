package ai.factory.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.Device;
import ai.factory.trainer.runtime.TrainingSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training examples per second of the ONNX Runtime training-step graph against the same step in plain Java
 * loops, in the same run, for both model kinds at batch sizes 256, 1024 and 4096.
 * Arguments: [seconds per measurement (default 2)] [device (default cpu)] [threads (default all cores)].
 */
public final class TrainingBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingBenchmark.class);
    private static final int[] BATCH_SIZES = {256, 1024, 4096};

    private TrainingBenchmark() {
    }

    /** One measured row. */
    public record Row(String kind, int batch, double ortPerSecond, double javaPerSecond) {
        double ratio() {
            return ortPerSecond / javaPerSecond;
        }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        Device device = args.length > 1 ? Device.parse(args[1]) : Device.CPU;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        List<Row> rows = run(seconds, device, threads);
        System.out.println(String.format(Locale.ROOT, "%-9s %6s %14s %14s %8s", "model", "batch", "ORT ex/s", "Java ex/s", "ORT/Java"));
        for (Row r : rows) {
            System.out.println(String.format(Locale.ROOT, "%-9s %6d %14.0f %14.0f %8.2f", r.kind(), r.batch(), r.ortPerSecond(), r.javaPerSecond(), r.ratio()));
        }
    }

    /** Measures every model kind and batch size for about {@code seconds} each per implementation. */
    public static List<Row> run(double seconds, Device device, int threads) throws Exception {
        List<Row> rows = new ArrayList<>();
        ModelConfig logistic = ModelConfig.logistic(16, 8, 4096);
        ModelConfig deep = ModelConfig.deep(16, 8, 4096).withArchitecture(8, List.of(64));
        for (ModelConfig config : List.of(logistic, deep)) {
            try (TrainingSession session = TrainingSession.open(config, device, threads)) {
                LOG.info("{} on {}", config.kind().label(), session.device());
                for (int batchSize : BATCH_SIZES) {
                    List<Batch> batches = batches(config, batchSize);
                    double ort = measure(seconds, batchSize, new OrtLoop(session, TrainingState.initial(config)), batches);
                    JavaTrainer java = config == logistic ? new JavaLogisticTrainer(config, TrainingState.initial(config))
                            : new JavaDeepTrainer(config, TrainingState.initial(config));
                    double plain = measure(seconds, batchSize, java::step, batches);
                    rows.add(new Row(config.kind().label(), batchSize, ort, plain));
                }
            }
        }
        return rows;
    }

    private interface Step {
        double step(Batch b) throws Exception;
    }

    private static final class OrtLoop implements Step {
        private final TrainingSession session;
        private TrainingState state;

        OrtLoop(TrainingSession session, TrainingState state) {
            this.session = session;
            this.state = state;
        }

        @Override
        public double step(Batch b) throws Exception {
            TrainingSession.StepResult r = session.step(state, b);
            state = r.state();
            return r.loss();
        }
    }

    private static List<Batch> batches(ModelConfig config, int batchSize) {
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 0.5, batchSize);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(data.next(batchSize).batch());
        }
        return out;
    }

    /** Examples per second over about {@code seconds}, after a warm-up of a quarter of that. */
    private static double measure(double seconds, int batchSize, Step step, List<Batch> batches) throws Exception {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.25e9);
        int i = 0;
        while (System.nanoTime() < warmEnd) {
            step.step(batches.get(i++ % batches.size()));
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long examples = 0;
        double sink = 0;
        while (System.nanoTime() < end) {
            sink += step.step(batches.get(i++ % batches.size()));
            examples += batchSize;
        }
        if (Double.isNaN(sink)) {
            LOG.warn("loss became NaN during the benchmark");
        }
        return examples / ((System.nanoTime() - start) / 1e9);
    }
}
