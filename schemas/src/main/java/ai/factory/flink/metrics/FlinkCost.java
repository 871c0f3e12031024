package ai.factory.flink.metrics;

import java.util.HashMap;
import java.util.Map;

import ai.factory.metrics.CpuMeter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * A {@link CpuMeter} of a Flink operator, counting into its metric group {@code factory.cost} with the component as a
 * key-value group: counters {@code cpuNanos}, {@code gpuNanos} and {@code units} (per {@code unit}). In a process's
 * Micrometer registry they are summed over operators and subtasks into the {@code CostMeters} series
 * ({@link CostSeries}); on a cluster Flink's reporter exports them per operator.
 */
public final class FlinkCost {

    static final String GROUP = "cost";
    static final String CPU_NANOS = "cpuNanos";
    static final String GPU_NANOS = "gpuNanos";
    static final String UNITS = "units";

    private FlinkCost() {
    }

    /** A meter of {@code component} for the operator whose group is {@code operatorGroup}; used on its task thread only. */
    public static CpuMeter meter(MetricGroup operatorGroup, String component, boolean sessionsOnGpu) {
        MetricGroup group = operatorGroup.addGroup(FactoryMetricName.ROOT).addGroup(GROUP).addGroup("component", component);
        Counter cpu = group.counter(CPU_NANOS);
        Counter gpu = group.counter(GPU_NANOS);
        Map<String, Counter> units = new HashMap<>();
        return new CpuMeter(new CpuMeter.Sink() {
            @Override
            public void cpuNanos(long nanos) {
                cpu.inc(nanos);
            }

            @Override
            public void gpuNanos(long nanos) {
                gpu.inc(nanos);
            }

            @Override
            public void units(String unit, long count) {
                units.computeIfAbsent(unit, u -> group.addGroup("unit", u).counter(UNITS)).inc(count);
            }
        }, sessionsOnGpu);
    }
}
