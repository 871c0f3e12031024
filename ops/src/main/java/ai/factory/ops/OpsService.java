package ai.factory.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ai.factory.metrics.CostSummary;
import ai.factory.metrics.Machine;
import ai.factory.ops.explain.EventTrace;
import ai.factory.ops.explain.EventView;
import ai.factory.ops.explain.TraceOptions;
import ai.factory.ops.freshness.FreshnessRow;
import ai.factory.ops.freshness.FreshnessView;
import ai.factory.ops.lag.LagMonitor;
import ai.factory.ops.lag.LagSampler;
import ai.factory.ops.lag.LagSnapshot;
import ai.factory.ops.metrics.OpsMetrics;
import ai.factory.ops.models.ModelListing;
import ai.factory.ops.models.ModelsView;
import ai.factory.ops.pipeline.PipelineView;
import ai.factory.ops.pipeline.Stage;
import ai.factory.ops.quality.QualityView;
import ai.factory.ops.status.StatusEvaluator;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every view fresh: one background thread samples lag, topic sizes, models, quality and freshness once
 * per sampling interval. A failing view logs, counts and keeps its last state; it never stops the others.
 */
public final class OpsService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpsService.class);
    private static final Duration TAIL_WAIT = Duration.ofMillis(200);

    private final OpsOptions options;
    private final Topics topics;
    private final SchemaRegistry registry;
    private final LagSampler sampler;
    private final LagMonitor monitor;
    private final PipelineView pipeline;
    private final ModelsView models;
    private final QualityView quality;
    private final FreshnessView freshness;
    private final OpsMetrics metrics;
    private final MeterRegistry meters;
    private final Machine machine = Machine.current();
    private final ScheduledExecutorService scheduler;
    private volatile List<FreshnessRow> freshnessRows = List.of();
    private final Object refreshLock = new Object();
    /** Set by close(): a refresh interrupted by it is not a failure worth a warning. */
    private volatile boolean closing;

    public OpsService(OpsOptions options, MeterRegistry meters) {
        this.options = options;
        this.topics = new Topics(options.topicPrefix());
        this.registry = SchemaRegistryAddress.kafka(options.connection(), topics.schemas()).open();
        this.sampler = new LagSampler(options.connection());
        this.monitor = new LagMonitor(new StatusEvaluator(options.windowSize()), options.samplingInterval().toMillis());
        this.pipeline = new PipelineView(Stage.of(topics), options.windowSize());
        this.models = new ModelsView(options.connection(), topics.models(), registry);
        this.quality = new QualityView(options.connection(), topics.quality(), registry);
        this.freshness = new FreshnessView(options.connection(), topics.predictions(), registry);
        this.metrics = new OpsMetrics(meters);
        this.meters = meters;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "factory-ops-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts refreshing every sampling interval, the first time right away. */
    public void start() {
        long interval = options.samplingInterval().toMillis();
        // Fixed rate keeps samples evenly spaced; a refresh that overruns delays the next, never overlaps it.
        scheduler.scheduleAtFixedRate(this::refreshQuietly, 0, interval, TimeUnit.MILLISECONDS);
    }

    /** Refreshes every view now, in the caller's thread. */
    public void refresh() {
        synchronized (refreshLock) {
            long start = System.nanoTime();
            try {
                LagSnapshot lag = monitor.accept(sampler.sample());
                metrics.lag(lag);
            } catch (RuntimeException e) {
                monitor.failed(e.getMessage());
                failed("Lag", e);
            }
            try {
                pipeline.addTopicSample(System.currentTimeMillis(), sampler.topicEnds(pipeline.topics()));
                metrics.pipeline(pipeline.stages(monitor.snapshot()), pipeline.topicRates());
            } catch (RuntimeException e) {
                failed("Pipeline", e);
            }
            try {
                models.refresh(TAIL_WAIT);
                quality.refresh(TAIL_WAIT);
                // One bounded listing per refresh: the newest versions and the champion, not every release.
                ModelListing listing = models.listing();
                freshnessRows = freshness.refresh(listing.versions(), TAIL_WAIT);
                metrics.freshness(freshnessRows);
                metrics.models(listing, quality.latest());
                metrics.unreadable(models.unreadable() + quality.unreadable() + freshness.unreadable());
            } catch (RuntimeException e) {
                failed("Model views", e);
            }
            metrics.refreshed(System.nanoTime() - start, options.samplingInterval().toMillis());
        }
    }

    private void failed(String view, RuntimeException e) {
        metrics.failed();
        if (!closing) {
            log.warn("{} refresh failed: {}", view, e.toString());
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The scheduler drops a task that throws; log and keep sampling.
            log.error("Refresh failed", e);
        }
    }

    public OpsOptions options() {
        return options;
    }

    public Topics topics() {
        return topics;
    }

    public LagMonitor lag() {
        return monitor;
    }

    public PipelineView pipeline() {
        return pipeline;
    }

    public ModelsView models() {
        return models;
    }

    public QualityView quality() {
        return quality;
    }

    /**
     * What the topics say about one event ({@link EventTrace}), each release's lineage from the models view. Reads the
     * cluster in the caller's thread, within the bounds of {@code trace}.
     */
    public EventView explain(String eventId, TraceOptions trace) {
        try (EventTrace search = new EventTrace(options.connection(), topics, registry)) {
            return search.trace(eventId, trace, models.book(), EventTrace.Progress.NONE);
        }
    }

    /** The freshness of the releases listed (see {@link ModelsView#listing()}), as of the last refresh. */
    public List<FreshnessRow> freshness() {
        return freshnessRows;
    }

    /**
     * The cost table ({@code /api/cost}): the {@code factory.cost.*} meters of this process's registry, which in the
     * embedded factory every part reports to; a standalone console has none (each part's {@code /metrics} has its own).
     */
    public Map<String, Object> cost() {
        return CostSummary.of(meters).toJson(machine);
    }

    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Refresh thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (refreshLock) {
            models.close();
            quality.close();
            freshness.close();
            sampler.close();
            registry.close();
        }
    }
}
