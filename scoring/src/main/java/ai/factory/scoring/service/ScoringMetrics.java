package ai.factory.scoring.service;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The scorer's Micrometer meters, all named {@code factory.scoring.*}. */
public final class ScoringMetrics {

    private final MeterRegistry registry;
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

    public ScoringMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.predictions = Counter.builder("factory.scoring.predictions")
                .description("Predictions written to the predictions topic").register(registry);
        this.shadowPredictions = Counter.builder("factory.scoring.predictions.shadow")
                .description("Challenger predictions written to the shadow topic").register(registry);
        this.batchSize = DistributionSummary.builder("factory.scoring.batch.size")
                .description("Rows per ONNX Runtime run").publishPercentiles(0.5, 0.99).register(registry);
        this.eventToServed = Timer.builder("factory.scoring.latency.event.to.served")
                .description("From a vector's event time to its prediction being written")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.inScorer = Timer.builder("factory.scoring.latency.in.scorer")
                .description("From a vector being polled to its prediction being written")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.run = Timer.builder("factory.scoring.run")
                .description("Time inside one ONNX Runtime run of a batch").register(registry);
        this.releasesLoaded = Counter.builder("factory.scoring.releases.loaded")
                .description("Model releases validated and installed").register(registry);
        this.releasesReadBack = Counter.builder("factory.scoring.releases.read.back")
                .description("Releases whose graph was read back from the models topic (only the newest are held)")
                .register(registry);
        this.writeFailures = Counter.builder("factory.scoring.write.failures")
                .description("Failed writes or commits, each followed by a rewind to the last commit after a backoff")
                .register(registry);
        Gauge.builder("factory.scoring.releases.graphs.held", graphsHeld, AtomicLong::get)
                .description("ONNX graphs of releases the scorer holds in memory (bounded: the newest per spec)")
                .register(registry);
        Gauge.builder("factory.scoring.releases.graph.bytes.held", graphBytesHeld, AtomicLong::get)
                .description("Bytes of the ONNX graphs the scorer holds in memory").baseUnit("bytes").register(registry);
        Gauge.builder("factory.scoring.pending", pending, AtomicInteger::get)
                .description("Vectors polled and not yet scored").register(registry);
        Gauge.builder("factory.scoring.partitions.paused", pausedPartitions, AtomicInteger::get)
                .description("Partitions paused, for back-pressure or while waiting for a model").register(registry);
        Gauge.builder("factory.scoring.partitions.waiting.for.model", waitingPartitions, AtomicInteger::get)
                .description("Partitions whose next vector has no champion for its spec (cold start)").register(registry);
    }

    public void served(int rows, Duration runTime) {
        predictions.increment(rows);
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
    }

    public void releaseReadBack() {
        releasesReadBack.increment();
    }

    public void releaseRejected(String reason) {
        rejectedReleases.computeIfAbsent(reason, r -> Counter.builder("factory.scoring.releases.rejected")
                .description("Model releases that failed validation and were not served")
                .tag("reason", r.toLowerCase(Locale.ROOT)).register(registry)).increment();
    }

    public void deadLettered(String reason) {
        deadLetters.computeIfAbsent(reason, r -> Counter.builder("factory.scoring.dead.letters")
                .description("Feature records sent to the dead-letter topic")
                .tag("reason", r.toLowerCase(Locale.ROOT)).register(registry)).increment();
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
