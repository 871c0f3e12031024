package ai.factory.flink.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * Bridges the project's own Flink metrics ({@link FactoryMetricName}) into a Micrometer registry of the same process:
 * counters and meters as function counters, numeric gauges as gauges, histograms as their count and 0.5/0.99
 * quantiles; the cost counters summed over operators ({@link CostSeries}). Flink's own metrics are left out: the
 * embedded factory's scrape carries what the loop does, not Flink's internals (a cluster's Prometheus reporter exports
 * those).
 */
public final class MicrometerReporter implements MetricReporter {

    private final MeterRegistry registry;
    private final Map<Metric, List<Meter>> meters = new ConcurrentHashMap<>();
    private final CostSeries cost;

    MicrometerReporter(MeterRegistry registry) {
        this.registry = registry;
        this.cost = new CostSeries(registry);
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
        meters.values().forEach(list -> list.forEach(registry::remove));
        meters.clear();
        cost.close();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        FactoryMetricName name = FactoryMetricName.of(group.getScopeComponents(), group.getAllVariables(), metricName);
        if (name == null) {
            return;
        }
        if (metric instanceof Counter counter && CostSeries.isCost(name)) {
            cost.add(counter, name);
            return;
        }
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> tag : name.tags().entrySet()) {
            tags = tags.and(tag.getKey(), tag.getValue());
        }
        List<Meter> registered;
        if (metric instanceof Counter counter) {
            registered = List.of(FunctionCounter.builder(name.name(), counter, Counter::getCount).tags(tags).register(registry));
        } else if (metric instanceof org.apache.flink.metrics.Meter meter) {
            registered = List.of(FunctionCounter.builder(name.name(), meter, org.apache.flink.metrics.Meter::getCount)
                    .tags(tags).register(registry));
        } else if (metric instanceof org.apache.flink.metrics.Gauge<?> gauge) {
            registered = List.of(Gauge.builder(name.name(), gauge, MicrometerReporter::number).tags(tags).register(registry));
        } else if (metric instanceof Histogram histogram) {
            registered = List.of(
                    FunctionCounter.builder(name.name() + ".count", histogram, Histogram::getCount).tags(tags).register(registry),
                    Gauge.builder(name.name(), histogram, h -> h.getStatistics().getQuantile(0.5))
                            .tags(tags.and("quantile", "0.5")).register(registry),
                    Gauge.builder(name.name(), histogram, h -> h.getStatistics().getQuantile(0.99))
                            .tags(tags.and("quantile", "0.99")).register(registry));
        } else {
            return;
        }
        meters.put(metric, registered);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        if (cost.remove(metric)) {
            return;
        }
        List<Meter> removed = meters.remove(metric);
        if (removed != null) {
            removed.forEach(registry::remove);
        }
    }

    /** A gauge's value as a number; NaN (no sample in Prometheus) for none or a non-numeric one. */
    private static double number(org.apache.flink.metrics.Gauge<?> gauge) {
        return gauge.getValue() instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
