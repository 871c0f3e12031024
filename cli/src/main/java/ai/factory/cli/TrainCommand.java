package ai.factory.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ai.factory.options.KafkaOptions;
import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.target.ModelTarget;
import ai.factory.trainer.job.TrainerJob;
import ai.factory.trainer.job.TrainerMain;
import ai.factory.trainer.job.TrainerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code factory train}: the online-trainer Flink job, in this process. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
            "Runs the online-trainer Flink job (examples -> model releases) in this process.",
            "Mini-batches of examples go through an ONNX training-step graph on ONNX Runtime; releases are published on "
                + "the models topic and promoted to champion when they pass the gate. Input sizes come from the feature "
                + "spec. Ctrl-C cancels the job; a restart resumes from the champion."})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--model", paramLabel = "NAME", description = "Model name (default: the spec's model name).")
    String model;

    @Option(names = "--spec", defaultValue = IngestOptions.DEFAULT_SPEC, paramLabel = "SPEC",
            description = "Feature spec the model consumes (default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = "--kind", defaultValue = "logistic", paramLabel = "KIND", description = "logistic or deep (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--task", paramLabel = "TASK", description = "binary (log loss) or regression (squared loss) (default: the spec's task).")
    String task;

    @Option(names = "--label-mean", paramLabel = "X", description = "Regression: the label's location; the model serves X + std * output (default: the spec's label_mean).")
    Double labelMean;

    @Option(names = "--label-std", paramLabel = "X", description = "Regression: the label's scale, the unit of the loss and of --tolerance (default: the spec's label_std).")
    Double labelStd;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "adagrad or adam (default: adagrad for logistic, adam for deep).")
    String optimizer;

    @Option(names = "--learning-rate", paramLabel = "X", description = "Learning rate (default: 0.1 adagrad, 0.001 adam).")
    Double learningRate;

    @Option(names = "--l2", defaultValue = "1e-6", paramLabel = "X", description = "L2 penalty (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--embedding-dim", defaultValue = "8", paramLabel = "N", description = "Embedding width of the deep model (default: ${DEFAULT-VALUE}).")
    int embeddingDim;

    @Option(names = "--hidden", defaultValue = "64", split = ",", paramLabel = "N", description = "Hidden layer widths of the deep model (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--freeze", split = ",", paramLabel = "PARAM", description = "Parameters (or prefixes ending in '.') not to train, e.g. deep.embedding.")
    List<String> freeze;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Initialisation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "1024", paramLabel = "N", description = "Examples per training step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--steps-per-run", defaultValue = "1", paramLabel = "K",
            description = "Mini-batches per ONNX Runtime run (a Scan over K steps keeps the weights on the device) (default: ${DEFAULT-VALUE}).")
    int stepsPerRun;

    @Option(names = "--publish-every-examples", defaultValue = "100000", paramLabel = "N",
            description = "Publish a release after this many new examples (default: ${DEFAULT-VALUE}) ...")
    long publishEveryExamples;

    @Option(names = "--publish-every", defaultValue = "PT5M", paramLabel = "DURATION",
            description = "... or after this long with new examples, ISO-8601 (default: ${DEFAULT-VALUE}).")
    String publishEvery;

    @Option(names = "--holdout", defaultValue = "10000", paramLabel = "N",
            description = "Newest unseen examples a release is judged on before promotion (default: ${DEFAULT-VALUE}).")
    int holdout;

    @Option(names = "--tolerance", defaultValue = "0.002", paramLabel = "X",
            description = "How much worse than the champion's hold-out log loss a release may be and still be promoted (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--warm-start", defaultValue = "champion", paramLabel = "FROM",
            description = "champion, none, or a version number to fine-tune from (default: ${DEFAULT-VALUE}).")
    String warmStart;

    @Option(names = "--initial-release", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"When the model has no champion, publish its initial weights as one before training, so events "
                    + "are scored from the first and their labels join at once (default: on; --no-initial-release waits "
                    + "for a trained release instead)."})
    boolean initialRelease;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, cuda or cuda:N; without a usable GPU it warns once and trains on the CPU (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "ONNX Runtime intra-op threads, 0 for all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--checkpoint-interval", defaultValue = "PT30S", paramLabel = "DURATION", description = "Flink checkpoint interval, ISO-8601 (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--checkpoint-dir", paramLabel = "URI", description = "File-system URI for checkpoints (default: in memory).")
    String checkpointDir;

    /** The trainer options these arguments describe; sizes come from the spec. */
    TrainerOptions options() {
        FeatureSpec featureSpec = FeatureSpecParser.load(spec);
        FeatureLayout layout = FeatureLayout.of(featureSpec);
        Map<String, String> a = new HashMap<>();
        a.put("bootstrap", kafka.connection().bootstrapServers());
        a.put("topic-prefix", kafka.prefix());
        ModelTarget target = featureSpec.model();
        a.put("model", model != null ? model : target.name());
        a.put("spec", featureSpec.name());
        a.put("spec-version", String.valueOf(featureSpec.version()));
        a.put("dense-size", String.valueOf(layout.denseSize()));
        a.put("sparse-width", String.valueOf(layout.sparseWidth()));
        a.put("buckets", String.valueOf(featureSpec.sparseBuckets()));
        a.put("kind", kind);
        a.put("task", task != null ? task : target.task());
        a.put("label-mean", String.valueOf(labelMean != null ? labelMean : target.labelMean()));
        a.put("label-std", String.valueOf(labelStd != null ? labelStd : target.labelStd()));
        if (optimizer != null) {
            a.put("optimizer", optimizer);
        }
        if (learningRate != null) {
            a.put("learning-rate", String.valueOf(learningRate));
        }
        a.put("l2", String.valueOf(l2));
        a.put("seed", String.valueOf(seed));
        a.put("embedding-dim", String.valueOf(embeddingDim));
        a.put("hidden", String.join(",", hidden.stream().map(String::valueOf).toList()));
        if (freeze != null && !freeze.isEmpty()) {
            a.put("freeze", String.join(",", freeze));
        }
        a.put("batch-size", String.valueOf(batchSize));
        a.put("steps-per-run", String.valueOf(stepsPerRun));
        a.put("publish-every-examples", String.valueOf(publishEveryExamples));
        a.put("publish-every", publishEvery);
        a.put("holdout", String.valueOf(holdout));
        a.put("tolerance", String.valueOf(tolerance));
        a.put("warm-start", warmStart);
        a.put("initial-release", String.valueOf(initialRelease));
        a.put("device", device);
        a.put("threads", String.valueOf(threads));
        a.put("checkpoint-interval", checkpointInterval);
        if (checkpointDir != null) {
            a.put("checkpoint-dir", checkpointDir);
        }
        return TrainerMain.options(a);
    }

    @Override
    public Integer call() throws Exception {
        TrainerOptions options = options();
        TrainerJob.Running job = TrainerJob.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                job.close();
            } catch (Exception e) {
                System.err.println("stopping the trainer: " + e.getMessage());
            }
            stopped.countDown();
        }, "train-shutdown"));
        System.err.println("online-trainer running: " + kafka.topics().examples() + " -> " + kafka.topics().models()
                + " (model " + options.modelName() + ", " + kind + "). Ctrl-C stops it.");
        while (!stopped.await(5, TimeUnit.SECONDS)) {
            if (job.client().getJobStatus().get().isTerminalState()) {
                System.err.println("online-trainer job ended: " + job.client().getJobStatus().get());
                return 1;
            }
        }
        return 0;
    }
}
