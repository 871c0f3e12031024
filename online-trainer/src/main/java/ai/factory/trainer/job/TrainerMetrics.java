package ai.factory.trainer.job;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import ai.factory.records.ReleaseStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The trainer's Flink metrics, under group {@code factory.trainer} with the model and spec as key-value groups (tags in
 * Prometheus): examples trained, and releases published by the gate's decision ({@code candidate}, {@code champion},
 * {@code rejected}).
 */
final class TrainerMetrics {

    static final String EXAMPLES_TRAINED = "examplesTrained";
    static final String RELEASES = "releases";

    private final MetricGroup group;
    private final Counter examplesTrained;
    private final Map<ReleaseStatus, Counter> releases = new HashMap<>();

    TrainerMetrics(MetricGroup operatorGroup, String model, String spec) {
        this.group = operatorGroup.addGroup("factory").addGroup("trainer").addGroup("model", model).addGroup("spec", spec);
        this.examplesTrained = group.counter(EXAMPLES_TRAINED);
    }

    void trained(long examples) {
        examplesTrained.inc(examples);
    }

    void released(ReleaseStatus decision) {
        releases.computeIfAbsent(decision, d -> group.addGroup("decision", d.name().toLowerCase(Locale.ROOT))
                .counter(RELEASES)).inc();
    }
}
