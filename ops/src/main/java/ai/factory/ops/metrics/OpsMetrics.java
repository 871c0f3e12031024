package ai.factory.ops.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import ai.factory.ops.freshness.FreshnessRow;
import ai.factory.ops.lag.GroupView;
import ai.factory.ops.lag.LagSnapshot;
import ai.factory.ops.lag.PartitionView;
import ai.factory.ops.models.ModelListing;
import ai.factory.ops.pipeline.StageView;
import ai.factory.ops.pipeline.TopicRate;
import ai.factory.ops.quality.QualityPoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Publishes what the views show as Micrometer meters (names prefixed {@code factory.ops.}); rows that vanish
 * (a deleted group, a retired model, a version no longer among those gauged) are removed on the next update.
 */
public final class OpsMetrics {

    /** Model versions per model with quality gauges: the champion and the newest others. */
    public static final int QUALITY_VERSIONS_PER_MODEL = 5;

    private final MultiGauge partitionLag;
    private final MultiGauge partitionLagSeconds;
    private final MultiGauge groupLag;
    private final MultiGauge groupLagSeconds;
    private final MultiGauge groupStatus;
    private final MultiGauge stageIn;
    private final MultiGauge stageOut;
    private final MultiGauge topicRecords;
    private final MultiGauge champion;
    private final MultiGauge logloss;
    private final MultiGauge auc;
    private final MultiGauge baselineLogloss;
    private final MultiGauge rmse;
    private final MultiGauge mae;
    private final MultiGauge baselineRmse;
    private final MultiGauge baselineMae;
    private final MultiGauge feedbackToPrediction;
    private final MultiGauge feedbackToRelease;
    private final MultiGauge releaseToPrediction;
    private final MultiGauge dataTimeLag;
    private final Timer refresh;
    private final Counter overruns;
    private final Counter failures;
    private final AtomicLong unreadable = new AtomicLong();

    public OpsMetrics(MeterRegistry registry) {
        partitionLag = MultiGauge.builder("factory.ops.lag.records").description("records a group has yet to read").register(registry);
        partitionLagSeconds = MultiGauge.builder("factory.ops.lag.seconds").description("time lag from record timestamps").baseUnit("seconds").register(registry);
        groupLag = MultiGauge.builder("factory.ops.group.lag.records").description("records a group has yet to read, all partitions").register(registry);
        groupLagSeconds = MultiGauge.builder("factory.ops.group.lag.seconds").description("largest time lag of a group's partitions").baseUnit("seconds").register(registry);
        groupStatus = MultiGauge.builder("factory.ops.group.status").description("0 OK, 1 WARN, 2 STALL, 3 STOP, 4 ERROR").register(registry);
        stageIn = MultiGauge.builder("factory.ops.stage.in.rate").description("records per second a stage consumes").register(registry);
        stageOut = MultiGauge.builder("factory.ops.stage.out.rate").description("records per second a stage's output topics grow").register(registry);
        topicRecords = MultiGauge.builder("factory.ops.topic.records").description("sum of a topic's end offsets").register(registry);
        champion = MultiGauge.builder("factory.ops.model.champion.version").description("champion version per model").register(registry);
        logloss = MultiGauge.builder("factory.ops.quality.logloss").description("latest windowed log loss per model version").register(registry);
        auc = MultiGauge.builder("factory.ops.quality.auc").description("latest windowed AUC per model version").register(registry);
        baselineLogloss = MultiGauge.builder("factory.ops.quality.baseline.logloss").description("log loss of the window's base rate, binary models").register(registry);
        rmse = MultiGauge.builder("factory.ops.quality.rmse").description("latest windowed RMSE per model version, regression models").register(registry);
        mae = MultiGauge.builder("factory.ops.quality.mae").description("latest windowed MAE per model version, regression models").register(registry);
        baselineRmse = MultiGauge.builder("factory.ops.quality.baseline.rmse").description("RMSE of the running label mean, regression models").register(registry);
        baselineMae = MultiGauge.builder("factory.ops.quality.baseline.mae").description("MAE of the running label mean, regression models").register(registry);
        feedbackToPrediction = MultiGauge.builder("factory.ops.freshness.feedback.to.prediction").description("wall clock: newest trained label joined to the release's first prediction, per listed release").baseUnit("seconds").register(registry);
        feedbackToRelease = MultiGauge.builder("factory.ops.freshness.feedback.to.release").description("wall clock: newest trained label joined to the release being built").baseUnit("seconds").register(registry);
        releaseToPrediction = MultiGauge.builder("factory.ops.freshness.release.to.prediction").description("wall clock: release built to its first prediction served").baseUnit("seconds").register(registry);
        dataTimeLag = MultiGauge.builder("factory.ops.freshness.data.time.lag").description("data time, not wall clock: the first prediction's event time minus the newest event time the release trained on").baseUnit("seconds").register(registry);
        refresh = Timer.builder("factory.ops.refresh").description("time to refresh every view").register(registry);
        overruns = Counter.builder("factory.ops.refresh.overruns").description("refreshes that took longer than the sampling interval").register(registry);
        failures = Counter.builder("factory.ops.refresh.failures").description("view refreshes that failed").register(registry);
        registry.gauge("factory.ops.unreadable.records", unreadable);
    }

    /** Updates the lag meters. */
    public void lag(LagSnapshot snapshot) {
        List<MultiGauge.Row<?>> partitions = new ArrayList<>();
        List<MultiGauge.Row<?>> seconds = new ArrayList<>();
        List<MultiGauge.Row<?>> groups = new ArrayList<>();
        List<MultiGauge.Row<?>> groupSeconds = new ArrayList<>();
        List<MultiGauge.Row<?>> statuses = new ArrayList<>();
        for (GroupView g : snapshot.groups()) {
            Tags group = Tags.of("group", g.group());
            groups.add(MultiGauge.Row.of(group, g.lagRecords()));
            statuses.add(MultiGauge.Row.of(group, g.status().ordinal()));
            if (g.lagSeconds() != null) {
                groupSeconds.add(MultiGauge.Row.of(group, g.lagSeconds()));
            }
            for (PartitionView p : g.partitions()) {
                Tags tags = group.and("topic", p.topic(), "partition", Integer.toString(p.partition()));
                partitions.add(MultiGauge.Row.of(tags, p.lagRecords()));
                if (p.lagSeconds() != null) {
                    seconds.add(MultiGauge.Row.of(tags, p.lagSeconds()));
                }
            }
        }
        partitionLag.register(partitions, true);
        partitionLagSeconds.register(seconds, true);
        groupLag.register(groups, true);
        groupLagSeconds.register(groupSeconds, true);
        groupStatus.register(statuses, true);
    }

    /** Updates the pipeline meters. */
    public void pipeline(List<StageView> stages, List<TopicRate> topics) {
        stageIn.register(stages.stream().<MultiGauge.Row<?>>map(s -> MultiGauge.Row.of(Tags.of("stage", s.name()), s.inRate())).toList(), true);
        stageOut.register(stages.stream().<MultiGauge.Row<?>>map(s -> MultiGauge.Row.of(Tags.of("stage", s.name()), s.outRate())).toList(), true);
        topicRecords.register(topics.stream().<MultiGauge.Row<?>>map(t -> MultiGauge.Row.of(Tags.of("topic", t.topic()), t.records())).toList(), true);
    }

    /**
     * Updates the model and quality meters: the champion version of each model, and quality rows (tagged with the
     * version) for the versions of each model that matter now, {@link #gauged}: at most
     * {@value #QUALITY_VERSIONS_PER_MODEL} per model, so the series count does not grow with releases.
     */
    public void models(ModelListing listing, List<QualityPoint> latestQuality) {
        champion.register(listing.models().stream().filter(m -> m.champion() != null)
                .<MultiGauge.Row<?>>map(m -> MultiGauge.Row.of(Tags.of("model", m.name()), m.champion())).toList(), true);
        Map<String, Long> champions = new HashMap<>();
        listing.models().stream().filter(m -> m.champion() != null).forEach(m -> champions.put(m.name(), m.champion()));
        List<QualityPoint> gauged = gauged(latestQuality, champions);
        logloss.register(rows(gauged, QualityPoint::logloss), true);
        auc.register(rows(gauged, QualityPoint::auc), true);
        baselineLogloss.register(rows(gauged, QualityPoint::baselineLogloss), true);
        rmse.register(rows(gauged, QualityPoint::rmse), true);
        mae.register(rows(gauged, QualityPoint::mae), true);
        baselineRmse.register(rows(gauged, QualityPoint::baselineRmse), true);
        baselineMae.register(rows(gauged, QualityPoint::baselineMae), true);
    }

    /**
     * The reports whose versions get quality gauges: per model, its champion's and those of its newest other
     * versions, {@value #QUALITY_VERSIONS_PER_MODEL} in all. The champion is what serves; the newest others are
     * the candidates and recent champions an alert compares it with. Older versions no longer serve, so their
     * rows would only repeat a last value; they are dropped (and vanish from the scrape).
     */
    static List<QualityPoint> gauged(List<QualityPoint> latest, Map<String, Long> champions) {
        Map<String, List<QualityPoint>> byModel = new TreeMap<>();
        latest.forEach(q -> byModel.computeIfAbsent(q.model(), m -> new ArrayList<>()).add(q));
        List<QualityPoint> out = new ArrayList<>();
        byModel.forEach((model, points) -> {
            Long champion = champions.get(model);
            points.sort(Comparator.comparingLong(QualityPoint::version).reversed());
            List<QualityPoint> kept = new ArrayList<>();
            points.stream().filter(q -> champion != null && q.version() == champion).findFirst().ifPresent(kept::add);
            for (QualityPoint q : points) {
                if (kept.size() >= QUALITY_VERSIONS_PER_MODEL) {
                    break;
                }
                if (champion == null || q.version() != champion) {
                    kept.add(q);
                }
            }
            out.addAll(kept);
        });
        return out;
    }

    /** One row per model version that has the metric: the other task's versions are absent, not NaN. */
    private static List<MultiGauge.Row<?>> rows(List<QualityPoint> points, Function<QualityPoint, Double> metric) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (QualityPoint q : points) {
            Double value = metric.apply(q);
            if (value != null) {
                rows.add(MultiGauge.Row.of(Tags.of("model", q.model(), "version", Long.toString(q.version())), value));
            }
        }
        return rows;
    }

    /** Updates the freshness meters: one row per listed release with the span known, in seconds. */
    public void freshness(List<FreshnessRow> rows) {
        feedbackToPrediction.register(seconds(rows, FreshnessRow::feedbackToPredictionMs), true);
        feedbackToRelease.register(seconds(rows, FreshnessRow::feedbackToReleaseMs), true);
        releaseToPrediction.register(seconds(rows, FreshnessRow::releaseToPredictionMs), true);
        dataTimeLag.register(seconds(rows, FreshnessRow::dataTimeLagMs), true);
    }

    private static List<MultiGauge.Row<?>> seconds(List<FreshnessRow> rows, Function<FreshnessRow, Long> spanMs) {
        List<MultiGauge.Row<?>> out = new ArrayList<>();
        for (FreshnessRow row : rows) {
            Long ms = spanMs.apply(row);
            if (ms != null) {
                out.add(MultiGauge.Row.of(Tags.of("model", row.model(), "version", Long.toString(row.version())), ms / 1000.0));
            }
        }
        return out;
    }

    /** Records one refresh and whether it overran the interval. */
    public void refreshed(long nanos, long intervalMs) {
        refresh.record(nanos, TimeUnit.NANOSECONDS);
        if (TimeUnit.NANOSECONDS.toMillis(nanos) > intervalMs) {
            overruns.increment();
        }
    }

    public void failed() {
        failures.increment();
    }

    public void unreadable(long count) {
        unreadable.set(count);
    }
}
