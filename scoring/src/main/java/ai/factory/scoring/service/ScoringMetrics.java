package ai.factory.scoring.service;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ai.factory.metrics.CostMeters;
import ai.factory.metrics.CpuMeter;
import ai.factory.onnx.SessionFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/** The scorer's Micrometer meters, named {@code factory.scoring.*}, and its cost ({@code factory.cost.*}, {@link CostMeters}). */
public final class ScoringMetrics {

    /** Upper bounds of the event-to-served histogram's buckets: from a live stream's milliseconds to a backlog's minutes. */
    static final Duration[] EVENT_TO_SERVED_BUCKETS = java.util.stream.Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000,
            2_500, 5_000, 10_000, 30_000, 60_000, 300_000).map(Duration::ofMillis).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter predictions;
    private final Counter shadowPredictions;
    private final DistributionSummary batchSize;
    private final Timer eventToServed;
    private final Timer inScorer;
    private final Timer run;
    private final Counter releasesLoaded;
    private final Counter releasesReadBack;
    private final Counter writeFailures;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong graphsHeld = new AtomicLong();
    private final AtomicLong graphBytesHeld = new AtomicLong();
    private final AtomicInteger pausedPartitions = new AtomicInteger();
    private final AtomicInteger waitingPartitions = new AtomicInteger();
    private final Map<String, Counter> rejectedReleases = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final CpuMeter cost;

    /**
     * Meters tagged with the {@code model} served and the scorers' consumer {@code group}; the cost counts the CPU of
     * {@code sessions}' native pool threads too, and their runs as GPU time when they run on CUDA.
     */
    public ScoringMetrics(MeterRegistry registry, String model, String group, SessionFactory sessions) {
        this.registry = registry;
        this.cost = CostMeters.register(registry, CostMeters.SCORING, sessions.device().isCuda());
        cost.countNativeThreads(sessions::poolThreads);
        this.tags = Tags.of("model", model, "group", group);
        this.predictions = Counter.builder("factory.scoring.predictions")
                .description("Predictions written to the predictions topic").tags(tags).register(registry);
        this.shadowPredictions = Counter.builder("factory.scoring.predictions.shadow")
                .description("Challenger predictions written to the shadow topic").tags(tags).register(registry);
        this.batchSize = DistributionSummary.builder("factory.scoring.batch.size")
                .description("Rows per ONNX Runtime run").publishPercentiles(0.5, 0.99).tags(tags).register(registry);
        // A histogram, so quantiles can be taken over instances and windows; a few fixed buckets keep the series few.
        this.eventToServed = Timer.builder("factory.scoring.latency.event.to.served")
                .description("From a vector's event time to its prediction being written")
                .serviceLevelObjectives(EVENT_TO_SERVED_BUCKETS).tags(tags).register(registry);
        this.inScorer = Timer.builder("factory.scoring.latency.in.scorer")
                .description("From a vector being polled to its prediction being written")
                .publishPercentiles(0.5, 0.99).tags(tags).register(registry);
        this.run = Timer.builder("factory.scoring.run")
                .description("Time inside one ONNX Runtime run of a batch").tags(tags).register(registry);
        this.releasesLoaded = Counter.builder("factory.scoring.releases.loaded")
                .description("Model releases validated and installed").tags(tags).register(registry);
        this.releasesReadBack = Counter.builder("factory.scoring.releases.read.back")
                .description("Releases whose graph was read back from the models topic (only the newest are held)")
                .tags(tags).register(registry);
        this.writeFailures = Counter.builder("factory.scoring.write.failures")
                .description("Failed writes or commits, each followed by a rewind to the last commit after a backoff")
                .tags(tags).register(registry);
        Gauge.builder("factory.scoring.releases.graphs.held", graphsHeld, AtomicLong::get)
                .description("ONNX graphs of releases the scorer holds in memory (bounded: the newest per spec)")
                .tags(tags).register(registry);
        Gauge.builder("factory.scoring.releases.graph.bytes.held", graphBytesHeld, AtomicLong::get)
                .description("Bytes of the ONNX graphs the scorer holds in memory").baseUnit("bytes").tags(tags).register(registry);
        Gauge.builder("factory.scoring.pending", pending, AtomicInteger::get)
                .description("Vectors polled and not yet scored").tags(tags).register(registry);
        Gauge.builder("factory.scoring.partitions.paused", pausedPartitions, AtomicInteger::get)
                .description("Partitions paused, for back-pressure or while waiting for a model").tags(tags).register(registry);
        Gauge.builder("factory.scoring.partitions.waiting.for.model", waitingPartitions, AtomicInteger::get)
                .description("Partitions whose next vector has no champion for its spec (cold start)").tags(tags).register(registry);
    }

    public void served(int rows, Duration runTime) {
        predictions.increment(rows);
        cost.units(CostMeters.PREDICTIONS, rows);
        cost.sessionRun(runTime.toNanos());
        batchSize.record(rows);
        run.record(runTime);
    }

    public void shadowServed(int rows) {
        shadowPredictions.increment(rows);
    }

    public void latency(long eventToServedMillis, long inScorerNanos) {
        eventToServed.record(Math.max(0, eventToServedMillis), java.util.concurrent.TimeUnit.MILLISECONDS);
        inScorer.record(inScorerNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void releaseLoaded() {
        releasesLoaded.increment();
        cost.lap();
    }

    public void releaseReadBack() {
        releasesReadBack.increment();
    }

    public void releaseRejected(String reason) {
        rejectedReleases.computeIfAbsent(reason, r -> Counter.builder("factory.scoring.releases.rejected")
                .description("Model releases that failed validation and were not served")
                .tag("reason", r.toLowerCase(Locale.ROOT)).tags(tags).register(registry)).increment();
    }

    public void deadLettered(String reason) {
        deadLetters.computeIfAbsent(reason, r -> Counter.builder("factory.scoring.dead.letters")
                .description("Feature records sent to the dead-letter topic")
                .tag("reason", r.toLowerCase(Locale.ROOT)).tags(tags).register(registry)).increment();
    }

    /**
     * Adds the calling thread's CPU time since its previous lap to the scorer's: the loop laps once a poll, the models
     * watcher at each release it loads.
     */
    public void lap() {
        cost.lap();
    }

    public void writeFailed() {
        writeFailures.increment();
    }

    public void graphsHeld(long graphs, long bytes) {
        graphsHeld.set(graphs);
        graphBytesHeld.set(bytes);
    }

    public void state(int pendingRecords, int paused, int waiting) {
        pending.set(pendingRecords);
        pausedPartitions.set(paused);
        waitingPartitions.set(waiting);
    }
}
