package ai.factory.flink.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.metrics.CostMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.flink.metrics.Counter;

/**
 * The {@link FlinkCost} counters of every operator and subtask of a process, summed into one Micrometer series per
 * component (and unit) named as {@link CostMeters} names them: other parts of the process report the same series
 * with the same tags, which a registry with per-operator tags on the Flink ones would refuse (Prometheus wants one
 * set of tag keys per name). A counter that goes (its task ended) leaves its count behind, so a series never falls.
 */
final class CostSeries {

    private static final String PREFIX = FactoryMetricName.ROOT + "." + FlinkCost.GROUP + ".";
    private static final Map<String, String> NAMES = Map.of(
            PREFIX + FactoryMetricName.dotted(FlinkCost.CPU_NANOS), CostMeters.CPU,
            PREFIX + FactoryMetricName.dotted(FlinkCost.GPU_NANOS), CostMeters.GPU,
            PREFIX + FactoryMetricName.dotted(FlinkCost.UNITS), CostMeters.UNITS);
    /** The tags that tell operators and subtasks apart, summed over. */
    private static final List<String> PER_OPERATOR = List.of("job_name", "operator_name", "subtask_index");

    private final MeterRegistry registry;
    private final Map<String, Series> series = new HashMap<>();
    private final Map<Counter, Series> members = new HashMap<>();

    CostSeries(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Whether {@code name} is a cost counter, which {@link #add} takes. */
    static boolean isCost(FactoryMetricName name) {
        return NAMES.containsKey(name.name());
    }

    synchronized void add(Counter counter, FactoryMetricName name) {
        String micrometerName = NAMES.get(name.name());
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> tag : name.tags().entrySet()) {
            if (!PER_OPERATOR.contains(tag.getKey())) {
                tags = tags.and(tag.getKey(), tag.getValue());
            }
        }
        // Nanoseconds in Flink (its counters count whole numbers), seconds in Micrometer.
        double scale = micrometerName.equals(CostMeters.UNITS) ? 1 : 1e-9;
        String key = micrometerName + tags;
        Series s = series.get(key);
        if (s == null) {
            s = new Series(scale);
            s.meter = FunctionCounter.builder(micrometerName, s, this::value).tags(tags).register(registry);
            series.put(key, s);
        }
        s.live.add(counter);
        members.put(counter, s);
    }

    /** Takes {@code counter} out, keeping its count; false if it was none of these. */
    synchronized boolean remove(Object counter) {
        Series s = members.remove(counter);
        if (s == null) {
            return false;
        }
        s.live.remove(counter);
        s.retired += ((Counter) counter).getCount();
        return true;
    }

    synchronized void close() {
        series.values().forEach(s -> registry.remove(s.meter));
        series.clear();
        members.clear();
    }

    private synchronized double value(Series s) {
        long total = s.retired;
        for (Counter c : s.live) {
            total += c.getCount();
        }
        return total * s.scale;
    }

    private static final class Series {
        final double scale;
        final List<Counter> live = new ArrayList<>();
        long retired;
        io.micrometer.core.instrument.Meter meter;

        Series(double scale) {
            this.scale = scale;
        }
    }
}
