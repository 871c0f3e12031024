package ai.factory.trainer.job;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import ai.factory.flink.RecoveryArguments;
import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.target.ModelTarget;
import ai.factory.trainer.governance.Governance;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OptimizerKind;
import ai.factory.trainer.model.Task;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The trainer's options, one picocli mixin for the job's {@code main} ({@link TrainerMain}) and for {@code factory
 * train}; {@link #options(ModelInput)} builds the {@link TrainerOptions} they describe for a model input. Settings a
 * {@code --profile} may set are null until given: the profile fills them, the defaults the rest.
 */
public final class TrainerArguments {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--profile", defaultValue = "plain", paramLabel = "PROFILE", converter = ProfileOption.class,
            description = "Settings to start from: " + TrainerProfile.HELP + "; options given here override them "
                    + "(default: ${DEFAULT-VALUE}).")
    TrainerProfile profile;

    @Option(names = "--model", paramLabel = "NAME", description = "Model name (default: the spec's model name).")
    String model;

    @Option(names = "--kind", defaultValue = "logistic", paramLabel = "KIND", converter = KindOption.class,
            description = "logistic, deep, wide-deep, or imported: fine-tune the graph of the release it warm-starts from, "
                    + "one 'factory models import' published (default: ${DEFAULT-VALUE}).")
    ModelKind kind;

    @Option(names = "--task", paramLabel = "TASK", description = "binary (log loss) or regression (squared loss) (default: the spec's task).")
    String task;

    @Option(names = "--label-mean", paramLabel = "X",
            description = "Regression: the label's location, the model serves X + std * output; binary: the base rate in "
                    + "(0, 1), 0 for none (default: the spec's label_mean).")
    Double labelMean;

    @Option(names = "--label-std", paramLabel = "X",
            description = "Regression: the label's scale, the unit of the loss and of --tolerance (default: the spec's label_std).")
    Double labelStd;

    @Option(names = "--optimizer", paramLabel = "NAME", converter = OptimizerOption.class,
            description = "adagrad or adam (default: adam).")
    OptimizerKind optimizer;

    @Option(names = "--learning-rate", paramLabel = "X",
            description = "Learning rate, of a wide-deep model's wide part (default: with adam " + ModelConfig.LOGISTIC_ADAM_LEARNING_RATE
                    + " for logistic, " + ModelConfig.WIDE_DEEP_WIDE_LEARNING_RATE + " for wide-deep, " + ModelConfig.ADAM_LEARNING_RATE
                    + " for deep; with adagrad " + ModelConfig.ADAGRAD_LEARNING_RATE + ").")
    Double learningRate;

    @Option(names = "--deep-learning-rate", paramLabel = "X",
            description = "Learning rate of a wide-deep model's deep part; its wide part trains at --learning-rate (default: "
                    + ModelConfig.WIDE_DEEP_DEEP_LEARNING_RATE + ").")
    Double deepLearningRate;

    @Option(names = "--l2", paramLabel = "X", description = "L2 penalty (default: " + ModelConfig.DEFAULT_L2 + ").")
    Double l2;

    @Option(names = "--embedding-dim", paramLabel = "N",
            description = "Embedding width of the deep and wide-deep models (default: " + ModelConfig.DEFAULT_EMBEDDING_DIM
                    + " for deep, " + ModelConfig.WIDE_DEEP_EMBEDDING_DIM + " for wide-deep).")
    Integer embeddingDim;

    @Option(names = "--hidden", split = ",", paramLabel = "N",
            description = "Hidden layer widths of the deep and wide-deep models (default: " + ModelConfig.DEFAULT_HIDDEN
                    + " for deep, " + ModelConfig.WIDE_DEEP_HIDDEN + " for wide-deep).")
    List<Integer> hidden;

    @Option(names = "--freeze", split = ",", paramLabel = "PARAM",
            description = "Parameters not to train: names, prefixes ending in '.', or patterns with '*' (e.g. deep.embedding, "
                    + "or an imported graph's initializer names).")
    List<String> freeze;

    @Option(names = "--seed", paramLabel = "N", description = "Initialisation seed (default: " + ModelConfig.DEFAULT_SEED + ").")
    Long seed;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Examples per training step (default: " + TrainerOptions.DEFAULT_BATCH_SIZE + ", or the profile's).")
    Integer batchSize;

    @Option(names = "--steps-per-run", defaultValue = "" + TrainerOptions.DEFAULT_STEPS_PER_RUN, paramLabel = "K",
            description = "Mini-batches per ONNX Runtime run (a Scan over K steps keeps the weights on the device) "
                    + "(default: ${DEFAULT-VALUE}).")
    int stepsPerRun;

    @Option(names = "--publish-every-examples", paramLabel = "N",
            description = "Publish a release after this many new examples (default: " + TrainerOptions.DEFAULT_PUBLISH_EVERY_EXAMPLES
                    + ", or the profile's) ...")
    Long publishEveryExamples;

    @Option(names = "--publish-every", paramLabel = "DURATION", converter = PositiveDuration.class,
            description = "... or after this long with new examples (default: " + TrainerOptions.DEFAULT_PUBLISH_EVERY
                    + ", or the profile's).")
    Duration publishEvery;

    @Option(names = "--holdout", paramLabel = "N",
            description = "Newest unseen examples a release is judged on before promotion (default: " + TrainerOptions.DEFAULT_HOLDOUT
                    + ", or the profile's).")
    Integer holdout;

    @Option(names = "--tolerance", defaultValue = "" + TrainerOptions.DEFAULT_TOLERANCE, paramLabel = "X",
            description = "How much worse than the champion's hold-out loss a release may be and still pass the hold-out "
                    + "gate; failing releases are rejected (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--promotion", defaultValue = "online", paramLabel = "HOW",
            description = "online: a candidate that passed the hold-out gate becomes champion when its shadow predictions "
                    + "beat the champion's on the same events (needs the scorers' shadow scoring, on by default); "
                    + "holdout: the hold-out gate promotes (default: ${DEFAULT-VALUE}).")
    String promotion;

    @Option(names = "--confidence", defaultValue = "" + (1 - Governance.DEFAULT_ALPHA), paramLabel = "P",
            description = "Confidence of every online decision (promotion, online rejection, rollback), a sequential test "
                    + "on paired loss differences (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--min-evidence", defaultValue = "" + Governance.DEFAULT_MIN_EVIDENCE, paramLabel = "N",
            description = "Paired events needed before an online decision (default: ${DEFAULT-VALUE}).")
    long minEvidence;

    @Option(names = "--auto-rollback", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Roll the champion back when, after a drift alarm, the release it replaced is confirmed better "
                    + "on the same recent examples (default: on).")
    boolean autoRollback;

    @Option(names = "--rollback-margin", defaultValue = "" + Governance.DEFAULT_ROLLBACK_MARGIN, paramLabel = "X",
            description = "How much worse per example (log loss; regression: squared error / label variance) the champion "
                    + "must be, at --confidence, on at least " + Governance.DEFAULT_ROLLBACK_EVIDENCE
                    + " examples, to be rolled back (default: ${DEFAULT-VALUE}).")
    double rollbackMargin;

    @Option(names = "--after-operator", defaultValue = "continue", paramLabel = "WHAT",
            description = "After an operator's promotion or rollback: continue (train on from the new champion's weights "
                    + "and keep publishing) or hold (train on, publish nothing until `factory models resume MODEL`) "
                    + "(default: ${DEFAULT-VALUE}).")
    String afterOperator;

    @Option(names = "--warm-start", defaultValue = "champion", paramLabel = "FROM",
            description = "champion, none, or a version number to fine-tune from (default: ${DEFAULT-VALUE}).")
    String warmStart;

    @Option(names = "--initial-release", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "When the model has no champion, publish its initial weights as one before training, so events "
                    + "are scored from the first and their labels join at once (default: on; --no-initial-release waits "
                    + "for a trained release instead).")
    boolean initialRelease;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE", converter = DeviceOption.class,
            description = "cpu, cuda or cuda:N; without a usable GPU it warns once and trains on the CPU (default: ${DEFAULT-VALUE}).")
    Device device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "ONNX Runtime intra-op threads, 0 for all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", converter = PositiveDuration.class,
            description = "Flink checkpoint interval; releases become visible when a checkpoint commits (default: "
                    + TrainerOptions.DEFAULT_CHECKPOINT_INTERVAL + ", or the profile's).")
    Duration checkpointInterval;

    /** Checkpoint directory, restore, restarts: the same for both jobs. */
    @Mixin
    RecoveryArguments recovery;

    /** The model kind asked for. */
    public ModelKind kind() {
        return kind;
    }

    /**
     * The trainer's options for {@code input}: the defaults, then the profile, then the options given.
     *
     * @throws CommandLine.ParameterException naming what is wrong, in one line
     */
    public TrainerOptions options(ModelInput input) {
        return options(kafka.connection(), input);
    }

    /**
     * The trainer's options for {@code input} on the cluster {@code connection} (a caller that has one already: the
     * demo), with the topic prefix of the options.
     *
     * @throws CommandLine.ParameterException naming what is wrong, in one line
     */
    public TrainerOptions options(KafkaConnection connection, ModelInput input) {
        try {
            TrainerOptions o = profile.apply(TrainerOptions.defaults(connection, kafka.topics(),
                    model != null ? model : input.target().name(), input.specName(), input.specVersion(), modelConfig(input)));
            if (optimizer != null || learningRate != null) {
                ModelConfig m = o.model();
                OptimizerKind chosen = optimizer != null ? optimizer : m.optimizer();
                // Another optimizer without a rate takes that optimizer's default, not the rate tuned for the other.
                o = o.withModel(m.withOptimizer(chosen, learningRate != null ? learningRate
                        : chosen == m.optimizer() ? m.learningRate() : ModelConfig.defaultLearningRate(m.kind(), chosen)));
            }
            if (deepLearningRate != null) {
                if (kind != ModelKind.WIDE_DEEP) {
                    throw new IllegalArgumentException("--deep-learning-rate is for --kind wide-deep, not " + kind.label());
                }
                o = o.withModel(o.model().withDeepLearningRate(deepLearningRate));
            }
            o = o.withBatching(batchSize != null ? batchSize : o.batchSize(),
                            publishEveryExamples != null ? publishEveryExamples : o.publishEveryExamples(),
                            publishEvery != null ? publishEvery : o.publishEvery(),
                            holdout != null ? holdout : o.holdoutExamples())
                    .withCheckpoints(checkpointInterval != null ? checkpointInterval : o.checkpointInterval(), recovery.checkpointDir())
                    .withRestarts(recovery.restarts())
                    .withRestoreFrom(recovery.restoreFrom())
                    .withStepsPerRun(stepsPerRun)
                    .withTolerance(tolerance)
                    .withDevice(device, threads)
                    .withInitialRelease(initialRelease)
                    .withGovernance(governance());
            return warmStart.matches("\\d+") ? o.withWarmStart(TrainerOptions.WarmStart.VERSION, Long.parseLong(warmStart))
                    : o.withWarmStart(warmStartMode(), 0);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage(), e);
        }
    }

    private Governance governance() {
        Governance.Promotion how = switch (promotion) {
            case "online" -> Governance.Promotion.ONLINE;
            case "holdout" -> Governance.Promotion.HOLDOUT;
            default -> throw new IllegalArgumentException("--promotion must be online or holdout, was '" + promotion + "'");
        };
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("--confidence must be between 0 and 1 (exclusive), was " + confidence);
        }
        return Governance.defaults().withPromotion(how).withTest(1 - confidence, minEvidence).withAutoRollback(autoRollback)
                .withRollback(rollbackMargin, Governance.DEFAULT_ROLLBACK_EVIDENCE).withHoldAfterOperator(switch (afterOperator) {
                    case "continue" -> false;
                    case "hold" -> true;
                    default -> throw new IllegalArgumentException("--after-operator must be continue or hold, was '"
                            + afterOperator + "'");
                });
    }

    private ModelConfig modelConfig(ModelInput input) {
        ModelConfig m = ModelConfig.of(kind, input.denseSize(), input.sparseWidth(), input.buckets());
        m = m.withSlotFeatures(input.slotFeatures());
        ModelTarget target = input.target();
        m = m.withTask(task(task != null ? task : target.task()));
        m = withLabelScale(m, labelMean != null ? labelMean : target.labelMean(), labelStd != null ? labelStd : target.labelStd());
        if (l2 != null) {
            m = m.withL2(l2);
        }
        if (seed != null) {
            m = m.withSeed(seed);
        }
        if (kind != ModelKind.LOGISTIC && (embeddingDim != null || hidden != null)) {
            m = m.withArchitecture(embeddingDim != null ? embeddingDim : m.embeddingDim(), hidden != null ? hidden : m.hidden());
        }
        if (freeze != null && !freeze.isEmpty()) {
            m = m.withFrozen(Set.copyOf(freeze));
        }
        return m;
    }

    private static Task task(String text) {
        try {
            return Task.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--task is binary or regression, was '" + text + "'");
        }
    }

    /** {@code mean} and {@code std} for regression; {@code mean} as the base rate of a binary model, whose std is 1. */
    private static ModelConfig withLabelScale(ModelConfig model, double mean, double std) {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("--label-mean must be a finite number, got " + mean);
        }
        if (!Double.isFinite(std) || std <= 0) {
            throw new IllegalArgumentException("--label-std must be a finite number > 0, got " + std);
        }
        if (model.task() == Task.BINARY) {
            if (mean < 0 || mean >= 1) {
                throw new IllegalArgumentException("--label-mean of a binary model is its base rate in (0, 1), or 0 for none; got " + mean);
            }
            // The std is regression's alone: a binary model ignores it.
            return model.withLabelScale(mean, 1);
        }
        return model.withLabelScale(mean, std);
    }

    private TrainerOptions.WarmStart warmStartMode() {
        return switch (warmStart.trim().toLowerCase(Locale.ROOT)) {
            case "champion" -> TrainerOptions.WarmStart.CHAMPION;
            case "none" -> TrainerOptions.WarmStart.NONE;
            default -> throw new IllegalArgumentException("--warm-start is champion, none or a version number, was '" + warmStart + "'");
        };
    }

    /** A duration above zero; {@code forever} is refused here, since null stands for "not given" (the profile's). */
    static final class PositiveDuration implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = DurationConverter.parse(value);
            if (d == null || d.isZero() || d.isNegative()) {
                throw new CommandLine.TypeConversionException("a positive duration such as 5s or 1m, was '" + value + "'");
            }
            return d;
        }
    }

    /** Reads a {@link TrainerProfile}. */
    static final class ProfileOption implements CommandLine.ITypeConverter<TrainerProfile> {
        @Override
        public TrainerProfile convert(String value) {
            try {
                return TrainerProfile.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Reads a model kind by its label. */
    static final class KindOption implements CommandLine.ITypeConverter<ModelKind> {
        @Override
        public ModelKind convert(String value) {
            try {
                return ModelKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("one of " + java.util.Arrays.stream(ModelKind.values())
                        .map(ModelKind::label).collect(java.util.stream.Collectors.joining(", ")) + ", was '" + value + "'");
            }
        }
    }

    /** Reads {@code adagrad} or {@code adam}. */
    static final class OptimizerOption implements CommandLine.ITypeConverter<OptimizerKind> {
        @Override
        public OptimizerKind convert(String value) {
            try {
                return OptimizerKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("adagrad or adam, was '" + value + "'");
            }
        }
    }

    /** Reads {@code cpu}, {@code cuda} or {@code cuda:N}. */
    static final class DeviceOption implements CommandLine.ITypeConverter<Device> {
        @Override
        public Device convert(String value) {
            try {
                return Device.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
