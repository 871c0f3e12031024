package ai.factory.trainer.job;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import ai.factory.flink.metrics.FlinkCost;
import ai.factory.metrics.CostMeters;
import ai.factory.metrics.CpuMeter;
import ai.factory.onnx.SessionFactory;
import ai.factory.records.ReleaseStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The trainer's Flink metrics, under group {@code factory.trainer} with the model and spec as key-value groups (tags in
 * Prometheus): examples trained, and releases published by the gate's decision ({@code candidate}, {@code champion},
 * {@code rejected}); and the cost of training, evaluating and building releases ({@link #cost()}), per example trained
 * and per release.
 */
final class TrainerMetrics {

    static final String EXAMPLES_TRAINED = "examplesTrained";
    static final String RELEASES = "releases";

    private final MetricGroup group;
    private final Counter examplesTrained;
    private final Map<ReleaseStatus, Counter> releases = new HashMap<>();
    private final CpuMeter cost;

    TrainerMetrics(MetricGroup operatorGroup, String model, String spec, SessionFactory sessions) {
        this.group = operatorGroup.addGroup("factory").addGroup("trainer").addGroup("model", model).addGroup("spec", spec);
        this.examplesTrained = group.counter(EXAMPLES_TRAINED);
        this.cost = FlinkCost.meter(operatorGroup, CostMeters.TRAINING, sessions.device().isCuda());
        cost.countNativeThreads(sessions::poolThreads);
    }

    void trained(long examples) {
        examplesTrained.inc(examples);
        cost.units(CostMeters.EXAMPLES, examples);
    }

    void released(ReleaseStatus decision) {
        releases.computeIfAbsent(decision, d -> group.addGroup("decision", d.name().toLowerCase(Locale.ROOT))
                .counter(RELEASES)).inc();
        cost.units(CostMeters.RELEASES, 1);
    }

    /** The trainer thread's CPU meter: lapped after each training run and timer, ticked per example. */
    CpuMeter cost() {
        return cost;
    }
}
