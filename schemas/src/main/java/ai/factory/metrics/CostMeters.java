package ai.factory.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The cost meters' names, and a {@link CpuMeter} counting into Micrometer: {@code factory.cost.cpu.seconds},
 * {@code factory.cost.gpu.seconds} ({@code component} tag) and {@code factory.cost.units} ({@code component},
 * {@code unit}); in Prometheus {@code factory_cost_cpu_seconds_total} and so on. The Flink jobs' series reach a
 * process's registry under the same names and tags (through {@code MicrometerReporter}).
 */
public final class CostMeters {

    public static final String CPU = "factory.cost.cpu.seconds";
    public static final String GPU = "factory.cost.gpu.seconds";
    public static final String UNITS = "factory.cost.units";

    /** The components and their units. */
    public static final String INGEST = "ingest";
    public static final String SCORING = "scoring";
    public static final String FEEDBACK = "feedback";
    public static final String TRAINING = "training";
    public static final String EVENTS = "events";
    public static final String PREDICTIONS = "predictions";
    public static final String EXAMPLES = "examples";
    public static final String RELEASES = "releases";

    private CostMeters() {
    }

    /** A meter of {@code component} counting into {@code registry}. */
    public static CpuMeter register(MeterRegistry registry, String component, boolean sessionsOnGpu) {
        Counter cpu = Counter.builder(CPU).description("CPU time of the component's own threads")
                .tag("component", component).register(registry);
        Counter gpu = Counter.builder(GPU).description("Wall time of ONNX Runtime runs on the CUDA provider (0 on the CPU)")
                .tag("component", component).register(registry);
        Map<String, Counter> units = new ConcurrentHashMap<>();
        return new CpuMeter(new CpuMeter.Sink() {
            @Override
            public void cpuNanos(long nanos) {
                cpu.increment(nanos / 1e9);
            }

            @Override
            public void gpuNanos(long nanos) {
                gpu.increment(nanos / 1e9);
            }

            @Override
            public void units(String unit, long count) {
                units.computeIfAbsent(unit, u -> Counter.builder(UNITS).description("Units of work the component's CPU time went to")
                        .tag("component", component).tag("unit", u).register(registry)).increment(count);
            }
        }, sessionsOnGpu);
    }
}
