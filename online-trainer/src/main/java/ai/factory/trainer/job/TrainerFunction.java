package ai.factory.trainer.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.onnx.OrtNatives;
import ai.factory.onnx.SessionFactory;
import ai.factory.records.ModelRelease;
import ai.factory.records.PairedQuality;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.LedgerDecision;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.release.ReleaseRefusedException;
import ai.factory.release.ReleaseSpec;
import ai.factory.release.Transition;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.trainer.governance.Governance;
import ai.factory.trainer.governance.LedgerFollower;
import ai.factory.trainer.governance.OnlinePromotion;
import ai.factory.trainer.governance.RollbackMonitor;
import ai.factory.trainer.learner.OnlineLearner;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.release.ModelCatalog;
import ai.factory.trainer.release.PromotionGate;
import ai.factory.trainer.release.ReleaseFactory;
import ai.factory.trainer.runtime.TrainerSessions;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model on its stream of examples: fills mini-batches, learns them through an {@link OnlineLearner} on
 * ONNX Runtime (K mini-batches per run through the K-step graph), cuts a release every N examples or T seconds,
 * evaluates it on the next examples it has not trained on, and publishes it with the promotion gate's decision. Keyed by
 * model name (for timers); weights, optimizer state and the unfinished batches are operator state, written at each
 * checkpoint, so a restart neither skips nor repeats an example.
 *
 * <p>With online governance it also follows the release ledger ({@link LedgerFollower}): candidates are promoted or
 * rejected on their paired online evidence ({@link OnlinePromotion}), the champion is rolled back when the release it
 * replaced is confirmed better on the incoming examples ({@link RollbackMonitor}), and when the ledger's champion
 * changes by any hand but this trainer's promotions (an operator, a rollback), training continues from its weights.
 * Its decisions go out on the same exactly-once sink as its releases.
 */
public final class TrainerFunction extends KeyedProcessFunction<String, TrainingExample, KeyedBytes> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerFunction.class);

    private final TrainerOptions options;
    private final StartingPoint start;
    private final PromotionGate gate;

    private transient ListState<byte[]> checkpointed;
    private transient TrainerProgress progress;
    /** Learns from the live weights of {@code progress} and scores releases; its state is copied back into {@code progress}. */
    private transient OnlineLearner learner;
    private transient AvroCodec<ModelRelease> releases;
    private transient boolean timerRegistered;
    /** When the last example arrived: a quiet stream trains what it has rather than wait for a full mini-batch. */
    private transient long lastArrivalMillis;
    private transient TrainerMetrics meters;
    private transient SchemaRegistry registry;
    /** The ledger and the online evidence. */
    private transient LedgerFollower follower;
    private transient RollbackMonitor monitor;
    /** The newest paired report of each challenger against the serving champion, the newest challengers only. */
    private transient java.util.TreeMap<Long, PairedQuality> reports;
    /** The champion a rollback would restore, and its weights, while the monitor watches; or null. */
    private transient ReleaseFacts rollbackTarget;
    private transient Map<String, FloatTensor> rollbackTargetParams;

    public TrainerFunction(TrainerOptions options, StartingPoint start) {
        this.options = options;
        this.start = start;
        this.gate = PromotionGate.forModel(options.tolerance(), options.model(),
                options.governance().promotion() == Governance.Promotion.HOLDOUT);
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
        p.live = TrainingState.startingFrom(config, start.params());
        p.examplesTrained = start.ancestorExamples();
        p.nextVersion = start.nextVersion();
        p.parentVersion = start.parentVersion();
        p.championVersion = start.championVersion();
        p.championParams = start.championParams();
        p.lastCutMillis = System.currentTimeMillis();
        p.lineStart = start.nextVersion();
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
        learner = OnlineLearner.open(options.model(), sessions, options.stepsPerRun(), progress.live);
        registry = options.registry().open();
        reports = new java.util.TreeMap<>();
        releases = AvroCodec.of(ModelRelease.class, registry);
        follower = LedgerFollower.open(options.kafka(), registry, options.modelName(), spec(), options.topics().models(),
                options.topics().qualityPaired(), Duration.ofSeconds(60));
        monitor = options.governance().rollbackMonitor();
        meters = new TrainerMetrics(getRuntimeContext().getMetricGroup(), options.modelName(), options.specName(), sessions);
        LOG.info("training {} ({}) on {}, {} mini-batch(es) of {} per run", options.modelName(), options.model().kind().label(),
                learner.runsOn(), options.stepsPerRun(), options.batchSize());
    }

    @Override
    public void processElement(TrainingExample example, Context ctx, Collector<KeyedBytes> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (!timerRegistered) {
            ctx.timerService().registerProcessingTimeTimer(now + options.publishEvery().toMillis());
            timerRegistered = true;
        }
        lastArrivalMillis = now;
        meters.cost().tick();
        progress.buffer.add(example);
        if (progress.buffer.size() >= options.batchSize() * options.stepsPerRun()) {
            trainBuffered(now, out, false);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KeyedBytes> out) throws Exception {
        long every = options.publishEvery().toMillis();
        govern(out);
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
        meters.cost().lap();
    }

    /**
     * Trains on every full mini-batch in the buffer (K of them, unless a restart changed the settings), up to K per
     * ONNX Runtime call, and with {@code partial} on the smaller rest too; a release under evaluation first scores
     * them, since it has not trained on them.
     */
    private void trainBuffered(long now, Collector<KeyedBytes> out, boolean partial) throws Exception {
        // The ledger's news first: a stream that never pauses must still follow a rollback before training on.
        govern(out);
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
            watchChampion(batch, out);
        }
        long started = System.nanoTime();
        OnlineLearner.Learnt learnt = learner.learn(batches);
        meters.cost().sessionRun(System.nanoTime() - started);
        progress.live = learner.state();
        for (int i = 0; i < groups.size(); i++) {
            progress.trained(groups.get(i), learnt.losses()[i]);
        }
        progress.buffer.subList(0, taken).clear();
        meters.trained(taken);
        if (progress.pending == null && progress.trainedSinceCut >= options.publishEveryExamples()) {
            cut(now, out);
        }
        meters.cost().lap();
    }

    private void cut(long now, Collector<KeyedBytes> out) throws Exception {
        if (progress.heldSince != null) {
            return; // an operator's move holds the releases: training goes on, nothing is published until resumed
        }
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
        float[] candidate = score(p.params, batch);
        float[] champion = progress.championParams == null ? null : score(progress.championParams, batch);
        for (int i = 0; i < batch.size(); i++) {
            p.candidateLossSum += options.model().task().loss(candidate[i], batch.labels()[i]);
            p.candidateAbsErrorSum += Math.abs(candidate[i] - batch.labels()[i]);
            if (champion != null) {
                double championLoss = options.model().task().loss(champion[i], batch.labels()[i]);
                double difference = options.model().task().loss(candidate[i], batch.labels()[i]) - championLoss;
                p.championLossSum += championLoss;
                p.differenceSquareSum += difference * difference;
            }
        }
        p.holdoutCount += batch.size();
    }

    private void finish(Collector<KeyedBytes> out) {
        TrainerProgress.Pending p = progress.pending;
        progress.pending = null;
        if (follower.ledger().latestVersion(options.modelName()) >= p.version) {
            // Someone else published this version meanwhile (an import): this release takes the next free one.
            p.version = follower.ledger().latestVersion(options.modelName()) + 1;
            progress.nextVersion = Math.max(progress.nextVersion, p.version + 1);
        }
        boolean finite = p.params.values().stream().allMatch(FloatTensor::isFinite);
        double candidateLoss = p.holdoutCount == 0 ? Double.NaN : p.candidateLossSum / p.holdoutCount;
        Double championLoss = progress.championParams == null ? null
                : p.holdoutCount == 0 ? Double.NaN : p.championLossSum / p.holdoutCount;
        // Initial weights (trained on nothing) carry no evidence to defend: the hold-out decides against them.
        PromotionGate.Decision decision = (championUntrained() ? gate.promoting() : gate)
                .decide(finite, candidateLoss, championLoss, p.holdoutCount);
        if (decision.status() == ReleaseStatus.CANDIDATE && championLoss != null && p.holdoutCount > 1
                && options.governance().promotion() == Governance.Promotion.ONLINE) {
            decision = pairedHoldout(p, candidateLoss, championLoss).orElse(decision);
        }

        Map<String, Double> metrics = ReleaseMetrics.of(options.model(), p, championLoss, progress.championVersion);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("device", learner.runsOn());
        provenance.put("requested_device", options.device().toString());
        provenance.put("batch_size", String.valueOf(options.batchSize()));
        provenance.put("steps_per_run", String.valueOf(options.stepsPerRun()));
        provenance.put("source_topic", options.topics().examples());
        provenance.put("promotion", options.governance().promotion().name().toLowerCase(java.util.Locale.ROOT));
        if (progress.followed != null) {
            provenance.put("followed_ledger", progress.followed);
            progress.followed = null;
        }
        ReleaseFactory.Lineage lineage = new ReleaseFactory.Lineage(p.version, p.parentVersion, p.examplesTrained,
                p.fromEventTime == TrainerProgress.NO_TIME ? null : p.fromEventTime, p.throughEventTime,
                options.topics().examples(), p.ranges);
        ModelRelease release = ReleaseFactory.build(options.modelName(), options.specName(), options.specVersion(),
                options.model(), p.params, lineage, decision, metrics, provenance);
        out.collect(new KeyedBytes(ModelCatalog.key(options.modelName(), p.version), releases.encode(release)));
        meters.released(decision.status());
        LOG.info("published {} as {}: {}", ModelCatalog.key(options.modelName(), p.version), decision.status(), decision.reason());
        follower.applyWritten(release);

        if (decision.status() == ReleaseStatus.CHAMPION) {
            progress.championVersion = p.version;
            progress.championParams = p.params;
        } else if (!finite) {
            // Training diverged: continue from the champion (or afresh) rather than from NaN.
            trainFrom(TrainingState.startingFrom(options.model(), progress.championParams));
            progress.parentVersion = progress.championVersion;
            LOG.warn("{} diverged; training continues from {}", ModelCatalog.key(options.modelName(), p.version),
                    progress.championVersion == null ? "fresh weights" : "champion v" + progress.championVersion);
        }
    }

    /**
     * The hold-out is itself paired online evidence (both models scored on the same unseen examples, as served): the
     * candidate is promoted at once when it is better there at the stated confidence, so a fresh release need not wait
     * a label delay for its shadow predictions' labels. The hold-out is looked at once, so its interval is the
     * fixed-sample one (never below the minimum evidence); a worse candidate passes it or the online sequence
     * afterwards with probability at most α.
     */
    private java.util.Optional<PromotionGate.Decision> pairedHoldout(TrainerProgress.Pending p, double candidateLoss,
                                                                     double championLoss) {
        long n = p.holdoutCount;
        double mean = candidateLoss - championLoss;
        double variance = Math.max(0, (p.differenceSquareSum - n * mean * mean) / (n - 1));
        var test = options.governance().test();
        var interval = test.oneLook(n, mean, variance);
        if (interval.verdict() != ai.factory.trainer.governance.ConfidenceSequence.Verdict.NEGATIVE) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new PromotionGate.Decision(ReleaseStatus.CHAMPION, String.format(java.util.Locale.ROOT,
                "online (hold-out): better than champion v%d on the same %,d unseen examples: loss %.5f vs %.5f, difference "
                        + "%+.5f ± %.5f (%s, one look)", progress.championVersion, n, candidateLoss, championLoss,
                interval.mean(), interval.radius(), test.confidence())));
    }

    /** Whether the champion is a model's initial weights: trained on no example here, and not imported. */
    private boolean championUntrained() {
        return progress.championVersion != null && follower.release(progress.championVersion)
                .map(r -> r.getExamplesTrained() == 0 && r.getParentVersion() == null
                        && !r.getProvenance().containsKey("imported_from")).orElse(false);
    }

    /** The spec this trainer's releases consume. */
    private ReleaseSpec spec() {
        return new ReleaseSpec(options.specName(), options.specVersion());
    }

    /**
     * Takes the ledger's news and the online evidence: follows a champion chosen elsewhere, then decides the
     * candidates the paired reports settle.
     */
    private void govern(Collector<KeyedBytes> out) {
        List<PairedQuality> reports = follower.poll();
        skipVersionsTaken();
        follow();
        if (options.governance().promotion() != Governance.Promotion.ONLINE) {
            return;
        }
        if (reports.isEmpty() && this.reports.isEmpty()) {
            return;
        }
        for (PairedQuality report : reports) {
            this.reports.put(report.getChallengerVersion(), report);
        }
        // Only evidence against the serving champion counts, and only the newest challengers' (bounded).
        this.reports.values().removeIf(r -> progress.championVersion == null || r.getChampionVersion() != progress.championVersion);
        while (this.reports.size() > 4 * OnlinePromotion.POOLED) {
            this.reports.pollFirstEntry();
        }
        if (!reports.isEmpty()) {
            new OnlinePromotion(options.governance().test(), progress.lineStart)
                    .judge(options.modelName(), this.reports, follower.ledger(), spec()).ifPresent(decision -> write(decision, out));
        }
    }

    /** Versions published by others (an operator's import) are not published again: the next cut takes a later one. */
    private void skipVersionsTaken() {
        long latest = follower.ledger().latestVersion(options.modelName());
        if (latest >= progress.nextVersion) {
            progress.nextVersion = latest + 1;
        }
    }

    /**
     * Scores the champion and the release a rollback would restore on {@code batch} (examples neither has seen) and
     * rolls the champion back when the monitor confirms it worse.
     */
    private void watchChampion(Batch batch, Collector<KeyedBytes> out) throws Exception {
        if (!options.governance().autoRollback() || rollbackTarget == null || progress.championParams == null) {
            return;
        }
        float[] champion = score(progress.championParams, batch);
        float[] target = score(rollbackTargetParams, batch);
        double unit = options.model().task().lossUnit(options.model());
        for (int i = 0; i < batch.size(); i++) {
            float label = batch.labels()[i];
            var reason = monitor.add(options.model().task().loss(champion[i], label) / unit,
                    options.model().task().loss(target[i], label) / unit);
            if (reason.isPresent()) {
                try {
                    write(follower.ledger().rollback(options.modelName(), ReleaseActor.AUTOMATIC, reason.get()), out);
                } catch (ReleaseRefusedException e) {
                    LOG.warn("{}: automatic rollback refused: {}", options.modelName(), e.getMessage());
                }
                return;
            }
        }
    }

    /** Publishes a ledger decision's records on the models sink and applies them to the ledger at once. */
    private void write(LedgerDecision decision, Collector<KeyedBytes> out) {
        for (Transition transition : decision.transitions()) {
            ModelRelease current = follower.release(transition.version()).orElse(null);
            if (current == null) {
                // An old candidate: newer ones are judged instead (a rollback's champion is always kept).
                LOG.debug("{}: not decided, its record is not among those kept: {}", transition.key(), transition);
                return;
            }
            ModelRelease next = transition.applyTo(current);
            out.collect(new KeyedBytes(transition.key(), releases.encode(next)));
            follower.applyWritten(next);
            LOG.info("decided {}", transition);
        }
        follow();
    }

    /**
     * Adopts the ledger's champion of this spec when it changed. A later release of this trainer's current line
     * promoted by the trainer or the online test only becomes the one to beat; any other change (an operator's
     * promotion, a rollback) also restarts training from the champion's weights, on a new line.
     */
    private void follow() {
        ReleaseFacts champion = follower.ledger().champion(options.modelName(), spec()).orElse(null);
        if (champion == null) {
            return;
        }
        if (progress.championVersion == null || champion.version() != progress.championVersion) {
            ModelRelease record = follower.release(champion.version()).orElse(null);
            if (record == null) {
                LOG.warn("{}: champion v{} is not among the releases kept; not followed", options.modelName(), champion.version());
                return;
            }
            Map<String, FloatTensor> params = TrainerJob.weightsOf(record, options.model());
            boolean ownLine = champion.actor() != ReleaseActor.OPERATOR && champion.version() >= progress.lineStart
                    && (progress.championVersion == null || champion.version() > progress.championVersion);
            Long previous = progress.championVersion;
            progress.championVersion = champion.version();
            progress.championParams = params;
            if (!ownLine) {
                continueFrom(champion, record, params, previous);
            }
        } else if (progress.heldSince != null && ReleaseLedger.resumes(champion)
                && follower.ledger().sequence(options.modelName(), champion.version()) > progress.heldSince) {
            progress.heldSince = null;
            progress.followed = (progress.followed == null ? "continued from v" + champion.version() : progress.followed)
                    + "; releases held, then " + champion.reason();
            LOG.info("{}: {}; releases are published again", options.modelName(), champion.reason());
        }
        watchRollbackTarget();
    }

    /** Restarts training from {@code champion}'s weights: the line trained since is abandoned, with its pending release. */
    private void continueFrom(ReleaseFacts champion, ModelRelease record, Map<String, FloatTensor> params, Long previous) {
        trainFrom(TrainingState.warm(options.model(), params));
        progress.parentVersion = champion.version();
        progress.pending = null;
        progress.trainedSinceCut = 0;
        progress.lossSumSinceCut = 0;
        progress.rangesSinceCut.clear();
        progress.examplesTrained = record.getExamplesTrained();
        progress.lineStart = progress.nextVersion;
        ReleaseFacts undone = previous == null ? null : follower.ledger().release(options.modelName(), previous).orElse(null);
        progress.followed = undone != null && undone.status() == ReleaseStatus.ROLLED_BACK
                ? "continued from v" + champion.version() + " after v" + previous + " was rolled back ("
                        + (undone.reason().isEmpty() ? "by " + actor(undone.actor()) : undone.reason()) + ")"
                : "continued from v" + champion.version() + ", made champion by " + actor(champion.actor())
                        + (champion.reason().isEmpty() ? "" : ": " + champion.reason());
        LOG.info("{}: the ledger's champion is now v{} ({}); training continues from its weights as of v{}",
                options.modelName(), champion.version(), progress.followed, progress.nextVersion);
        boolean byOperator = champion.actor() == ReleaseActor.OPERATOR
                || undone != null && undone.status() == ReleaseStatus.ROLLED_BACK && undone.actor() == ReleaseActor.OPERATOR;
        if (options.governance().holdAfterOperator() && byOperator) {
            // The sequence of the operator's record: a resume written after it ends the hold.
            progress.heldSince = follower.ledger().sequence(options.modelName(),
                    champion.actor() == ReleaseActor.OPERATOR ? champion.version() : undone.version());
            LOG.warn("{}: releases held after the operator's move until `factory models resume {}`",
                    options.modelName(), options.modelName());
        }
    }

    private static String actor(ReleaseActor actor) {
        return actor.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Points the rollback monitor at the champion and the release a rollback would restore, when both are known. */
    private void watchRollbackTarget() {
        Iterator<ReleaseFacts> line = follower.ledger().championsLatestFirst(options.modelName(), spec()).iterator();
        ReleaseFacts target = null;
        if (line.hasNext()) {
            line.next();
            target = line.hasNext() ? line.next() : null;
        }
        if (target == null) {
            rollbackTarget = null;
            rollbackTargetParams = null;
            return;
        }
        if (rollbackTarget == null || rollbackTarget.version() != target.version()) {
            ModelRelease record = follower.release(target.version()).orElse(null);
            rollbackTarget = record == null ? null : target;
            rollbackTargetParams = record == null ? null : TrainerJob.weightsOf(record, options.model());
        }
        if (rollbackTarget != null && progress.championVersion != null) {
            monitor.watch(progress.championVersion, rollbackTarget.version());
        }
    }

    /** Training goes on from {@code state}, which the next checkpoint writes. */
    private void trainFrom(TrainingState state) {
        learner.reset(state);
        progress.live = state;
    }

    /** Scores {@code batch} with {@code params}, its run time counted as GPU time on CUDA. */
    private float[] score(Map<String, FloatTensor> params, Batch batch) throws ai.onnxruntime.OrtException {
        long started = System.nanoTime();
        float[] scores = learner.predict(params, batch);
        meters.cost().sessionRun(System.nanoTime() - started);
        return scores;
    }

    @Override
    public void close() throws Exception {
        if (meters != null) {
            meters.cost().lap();
        }
        if (follower != null) {
            follower.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (learner != null) {
            learner.close();
        }
    }
}
