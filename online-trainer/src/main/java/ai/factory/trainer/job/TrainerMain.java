package ai.factory.trainer.job;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.onnx.Device;
import ai.factory.topics.Topics;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command-line entry of the trainer: {@code --name value} options (see {@link #options(Map)} for the list and
 * defaults); runs the job until it is cancelled.
 */
public final class TrainerMain {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerMain.class);

    private TrainerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        TrainerOptions options = options(a);
        try (TrainerJob.Running running = TrainerJob.start(options)) {
            LOG.info("online trainer {} running as Flink job {}", options.modelName(), running.client().getJobID());
            running.client().getJobExecutionResult().get();
        }
    }

    /** Trainer options from command-line values; every key is optional except bootstrap, model, spec, dense, sparse. */
    public static TrainerOptions options(Map<String, String> a) {
        int dense = Integer.parseInt(required(a, "dense-size"));
        int sparse = Integer.parseInt(required(a, "sparse-width"));
        int buckets = Integer.parseInt(a.getOrDefault("buckets", String.valueOf(1 << 18)));
        ModelKind kind = ModelKind.parse(a.getOrDefault("kind", "logistic"));
        ModelConfig model = kind == ModelKind.LOGISTIC ? ModelConfig.logistic(dense, sparse, buckets) : ModelConfig.deep(dense, sparse, buckets);
        model = model.withTask(Task.valueOf(a.getOrDefault("task", "binary").toUpperCase()));
        model = withLabelScale(model, a);
        if (a.containsKey("optimizer") || a.containsKey("learning-rate")) {
            model = model.withOptimizer(OptimizerKind.parse(a.getOrDefault("optimizer", model.optimizer().name())),
                    Double.parseDouble(a.getOrDefault("learning-rate", String.valueOf(model.learningRate()))));
        }
        model = model.withL2(Double.parseDouble(a.getOrDefault("l2", String.valueOf(model.l2()))))
                .withSeed(Long.parseLong(a.getOrDefault("seed", "42")));
        if (kind == ModelKind.DEEP) {
            List<Integer> hidden = Arrays.stream(a.getOrDefault("hidden", "64").split(",")).map(Integer::valueOf).toList();
            model = model.withArchitecture(Integer.parseInt(a.getOrDefault("embedding-dim", "8")), hidden);
        }
        if (a.containsKey("freeze")) {
            model = model.withFrozen(Set.of(a.get("freeze").split(",")));
        }
        String bootstrap = required(a, "bootstrap");
        TrainerOptions o = TrainerOptions.defaults(bootstrap, new Topics(a.getOrDefault("topic-prefix", "")), required(a, "model"),
                        required(a, "spec"), Integer.parseInt(a.getOrDefault("spec-version", "1")), model)
                .withBatching(Integer.parseInt(a.getOrDefault("batch-size", "1024")),
                        Long.parseLong(a.getOrDefault("publish-every-examples", "100000")),
                        Duration.parse(a.getOrDefault("publish-every", "PT5M")),
                        Integer.parseInt(a.getOrDefault("holdout", "10000")))
                .withStepsPerRun(Integer.parseInt(a.getOrDefault("steps-per-run", "1")))
                .withTolerance(Double.parseDouble(a.getOrDefault("tolerance", "0.002")))
                .withDevice(Device.parse(a.getOrDefault("device", "cpu")), Integer.parseInt(a.getOrDefault("threads", "0")))
                .withCheckpoints(Duration.parse(a.getOrDefault("checkpoint-interval", "PT30S")), a.get("checkpoint-dir"));
        o = o.withInitialRelease(Boolean.parseBoolean(a.getOrDefault("initial-release", "true")));
        String warm = a.getOrDefault("warm-start", "champion");
        return warm.matches("\\d+") ? o.withWarmStart(TrainerOptions.WarmStart.VERSION, Long.parseLong(warm))
                : o.withWarmStart(TrainerOptions.WarmStart.valueOf(warm.toUpperCase()), 0);
    }

    /** Applies {@code label-mean} and {@code label-std} (regression), or {@code label-mean} as the base rate (binary). */
    private static ModelConfig withLabelScale(ModelConfig model, Map<String, String> a) {
        double mean = parseDouble(a, "label-mean", "0");
        double std = parseDouble(a, "label-std", "1");
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("--label-mean must be a finite number, got " + a.get("label-mean"));
        }
        if (!Double.isFinite(std) || std <= 0) {
            throw new IllegalArgumentException("--label-std must be a finite number > 0, got " + a.get("label-std"));
        }
        if (model.task() == Task.BINARY) {
            if (std != 1) {
                LOG.warn("--label-std applies to regression only; ignored for the binary model");
            }
            if (mean < 0 || mean >= 1) {
                throw new IllegalArgumentException("--label-mean of a binary model is its base rate in (0, 1), or 0 for none; got " + mean);
            }
            return model.withLabelScale(mean, 1);
        }
        return model.withLabelScale(mean, std);
    }

    private static double parseDouble(Map<String, String> a, String key, String fallback) {
        String v = a.getOrDefault(key, fallback);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got " + v, e);
        }
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }
}
