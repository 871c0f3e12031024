package ai.factory.trainer.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.onnx.OrtNatives;
import ai.factory.onnx.SessionFactory;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroCodec;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.release.ModelCatalog;
import ai.factory.trainer.release.PromotionGate;
import ai.factory.trainer.release.ReleaseFactory;
import ai.factory.trainer.runtime.EvaluationSession;
import ai.factory.trainer.runtime.TrainerSessions;
import ai.factory.trainer.runtime.TrainingSession;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model on its stream of examples: fills mini-batches, runs the training-step graph on ONNX Runtime
 * (or K mini-batches per run through the K-step graph), cuts a release every N examples or T seconds, evaluates
 * it on the next examples it has not trained on, and publishes it with the promotion gate's decision. Keyed by
 * model name (for timers); weights, optimizer state and the unfinished batches are operator state, written at each
 * checkpoint, so a restart neither skips nor repeats an example.
 */
public final class TrainerFunction extends KeyedProcessFunction<String, TrainingExample, KeyedBytes> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerFunction.class);

    private final TrainerOptions options;
    private final StartingPoint start;
    private final PromotionGate gate;

    private transient ListState<byte[]> checkpointed;
    private transient TrainerProgress progress;
    private transient TrainingSession training;
    private transient EvaluationSession evaluation;
    private transient AvroCodec<ModelRelease> releases;
    private transient boolean timerRegistered;
    /** When the last example arrived: a quiet stream trains what it has rather than wait for a full mini-batch. */
    private transient long lastArrivalMillis;
    private transient Counter examplesCounter;
    private transient Counter releasesCounter;

    public TrainerFunction(TrainerOptions options, StartingPoint start) {
        this.options = options;
        this.start = start;
        this.gate = PromotionGate.forModel(options.tolerance(), options.model());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("trainer-progress", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        progress = null;
        if (context.isRestored()) {
            for (byte[] bytes : checkpointed.get()) {
                progress = TrainerProgressCodec.decode(bytes);
            }
        }
        if (progress == null) {
            progress = fromStart();
        } else {
            LOG.info("restored {} from checkpoint: {} examples trained, {} buffered, next version {}",
                    options.modelName(), progress.examplesTrained, progress.buffer.size(), progress.nextVersion);
        }
    }

    private TrainerProgress fromStart() {
        ModelConfig config = options.model();
        TrainerProgress p = new TrainerProgress();
        p.live = start.params() == null ? TrainingState.initial(config) : TrainingState.warm(config, start.params());
        p.examplesTrained = start.ancestorExamples();
        p.nextVersion = start.nextVersion();
        p.parentVersion = start.parentVersion();
        p.championVersion = start.championVersion();
        p.championParams = start.championParams();
        p.lastCutMillis = System.currentTimeMillis();
        return p;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(List.of(TrainerProgressCodec.encode(progress)));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        // ORT from a job jar loads its libraries for this job's class loader; what is left of them goes with it.
        getRuntimeContext().registerUserCodeClassLoaderReleaseHookIfAbsent("factory-onnxruntime-natives", OrtNatives::release);
        SessionFactory sessions = TrainerSessions.open(options.device(), options.threads());
        training = TrainingSession.open(options.model(), sessions, options.stepsPerRun());
        evaluation = EvaluationSession.open(options.model(), sessions);
        releases = AvroCodec.of(ModelRelease.class, options.registry().open());
        examplesCounter = getRuntimeContext().getMetricGroup().counter("factory_trainer_examples_trained");
        releasesCounter = getRuntimeContext().getMetricGroup().counter("factory_trainer_releases");
        LOG.info("training {} ({}) on {}, {} mini-batch(es) of {} per run", options.modelName(), options.model().kind().label(),
                training.device(), options.stepsPerRun(), options.batchSize());
    }

    @Override
    public void processElement(TrainingExample example, Context ctx, Collector<KeyedBytes> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (!timerRegistered) {
            ctx.timerService().registerProcessingTimeTimer(now + options.publishEvery().toMillis());
            timerRegistered = true;
        }
        lastArrivalMillis = now;
        progress.buffer.add(example);
        if (progress.buffer.size() >= options.batchSize() * options.stepsPerRun()) {
            trainBuffered(now, out, false);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KeyedBytes> out) throws Exception {
        long every = options.publishEvery().toMillis();
        if (!progress.buffer.isEmpty() && timestamp - lastArrivalMillis >= every) {
            // Without this the last examples before a pause, short of a mini-batch, would wait for the next ones.
            trainBuffered(timestamp, out, true);
        }
        if (progress.pending != null && timestamp - progress.pending.cutAtMillis >= every) {
            // The stream went quiet before enough unseen examples arrived: decide on what there is.
            finish(out);
        }
        if (progress.pending == null && progress.trainedSinceCut > 0 && timestamp - progress.lastCutMillis >= every) {
            cut(timestamp, out);
        }
        ctx.timerService().registerProcessingTimeTimer(timestamp + Math.max(100, every / 2));
    }

    /**
     * Trains on every full mini-batch in the buffer (K of them, unless a restart changed the settings), up to K per
     * ONNX Runtime call, and with {@code partial} on the smaller rest too; a release under evaluation first scores
     * them, since it has not trained on them.
     */
    private void trainBuffered(long now, Collector<KeyedBytes> out, boolean partial) throws Exception {
        List<List<TrainingExample>> groups = new ArrayList<>();
        List<Batch> batches = new ArrayList<>();
        int taken = partial ? progress.buffer.size() : progress.buffer.size() / options.batchSize() * options.batchSize();
        for (int from = 0; from < taken; from += options.batchSize()) {
            List<TrainingExample> examples = new ArrayList<>(progress.buffer.subList(from, Math.min(taken, from + options.batchSize())));
            groups.add(examples);
            batches.add(TrainingExample.batch(examples, options.model()));
        }
        for (Batch batch : batches) {
            if (progress.pending != null) {
                evaluateHoldout(batch);
                if (progress.pending.holdoutCount >= options.holdoutExamples()) {
                    finish(out);
                }
            }
        }
        TrainingSession.StepsResult steps = training.steps(progress.live, batches);
        progress.live = steps.state();
        for (int i = 0; i < groups.size(); i++) {
            progress.trained(groups.get(i), steps.losses()[i]);
        }
        progress.buffer.subList(0, taken).clear();
        examplesCounter.inc(taken);
        if (progress.pending == null && progress.trainedSinceCut >= options.publishEveryExamples()) {
            cut(now, out);
        }
    }

    private void cut(long now, Collector<KeyedBytes> out) throws Exception {
        TrainerProgress.Pending p = progress.cut(now);
        if (!progress.live.isFinite() || options.holdoutExamples() == 0) {
            finish(out);
        } else {
            LOG.info("cut {}: {} examples since v{}; evaluating on the next {} unseen examples",
                    ModelCatalog.key(options.modelName(), p.version), p.trainedSinceParent, p.parentVersion, options.holdoutExamples());
        }
    }

    private void evaluateHoldout(Batch batch) throws Exception {
        TrainerProgress.Pending p = progress.pending;
        float[] candidate = evaluation.score(p.params, batch);
        float[] champion = progress.championParams == null ? null : evaluation.score(progress.championParams, batch);
        for (int i = 0; i < batch.size(); i++) {
            p.candidateLossSum += options.model().task().loss(candidate[i], batch.labels()[i]);
            p.candidateAbsErrorSum += Math.abs(candidate[i] - batch.labels()[i]);
            if (champion != null) {
                p.championLossSum += options.model().task().loss(champion[i], batch.labels()[i]);
            }
        }
        p.holdoutCount += batch.size();
    }

    private void finish(Collector<KeyedBytes> out) {
        TrainerProgress.Pending p = progress.pending;
        progress.pending = null;
        boolean finite = p.params.values().stream().allMatch(FloatTensor::isFinite);
        double candidateLoss = p.holdoutCount == 0 ? Double.NaN : p.candidateLossSum / p.holdoutCount;
        Double championLoss = progress.championParams == null ? null
                : p.holdoutCount == 0 ? Double.NaN : p.championLossSum / p.holdoutCount;
        PromotionGate.Decision decision = gate.decide(finite, candidateLoss, championLoss, p.holdoutCount);

        Map<String, Double> metrics = ReleaseMetrics.of(options.model(), p, championLoss, progress.championVersion);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("device", training.device().toString());
        provenance.put("requested_device", options.device().toString());
        provenance.put("batch_size", String.valueOf(options.batchSize()));
        provenance.put("steps_per_run", String.valueOf(options.stepsPerRun()));
        provenance.put("source_topic", options.topics().examples());
        ReleaseFactory.Lineage lineage = new ReleaseFactory.Lineage(p.version, p.parentVersion, p.examplesTrained,
                p.throughEventTime, options.topics().examples(), p.ranges);
        ModelRelease release = ReleaseFactory.build(options.modelName(), options.specName(), options.specVersion(),
                options.model(), p.params, lineage, decision, metrics, provenance);
        out.collect(new KeyedBytes(ModelCatalog.key(options.modelName(), p.version), releases.encode(release)));
        releasesCounter.inc();
        LOG.info("published {} as {}: {}", ModelCatalog.key(options.modelName(), p.version), decision.status(), decision.reason());

        if (decision.status() == ReleaseStatus.CHAMPION) {
            progress.championVersion = p.version;
            progress.championParams = p.params;
        } else if (!finite) {
            // Training diverged: continue from the champion (or afresh) rather than from NaN.
            progress.live = progress.championParams == null ? TrainingState.initial(options.model())
                    : TrainingState.warm(options.model(), progress.championParams);
            progress.parentVersion = progress.championVersion;
            LOG.warn("{} diverged; training continues from {}", ModelCatalog.key(options.modelName(), p.version),
                    progress.championVersion == null ? "fresh weights" : "champion v" + progress.championVersion);
        }
    }

    @Override
    public void close() throws Exception {
        if (training != null) {
            training.close();
        }
        if (evaluation != null) {
            evaluation.close();
        }
    }
}
