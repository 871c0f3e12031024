package ai.factory.trainer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters and optimizer state of a model being trained, keyed by the training-step graph's input names.
 * The maps are read-only; a step produces a new state.
 */
public record TrainingState(Map<String, FloatTensor> params, Map<String, FloatTensor> optimizer) {

    public TrainingState {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
    }

    /** Seeded initial parameters and fresh optimizer state. */
    public static TrainingState initial(ModelConfig config) {
        Map<String, FloatTensor> p = new LinkedHashMap<>();
        ModelDefinition.of(config).params().forEach(spec -> p.put(spec.name(), spec.initialize(config.seed())));
        return new TrainingState(p, ModelGraphs.initialOptimizerState(config));
    }

    /** Given parameters (a warm start) with fresh optimizer state. */
    public static TrainingState warm(ModelConfig config, Map<String, FloatTensor> params) {
        Map<String, FloatTensor> p = new LinkedHashMap<>();
        for (ParamSpec spec : ModelDefinition.of(config).params()) {
            FloatTensor t = params.get(spec.name());
            if (t == null || !java.util.Arrays.equals(t.shape(), spec.shape())) {
                throw new IllegalArgumentException("warm-start weights do not fit parameter " + spec.name()
                        + " of shape " + java.util.Arrays.toString(spec.shape()));
            }
            p.put(spec.name(), t);
        }
        return new TrainingState(p, ModelGraphs.initialOptimizerState(config));
    }

    /** A warm start from {@code params}, or the seeded initial state when there are none. */
    public static TrainingState startingFrom(ModelConfig config, Map<String, FloatTensor> params) {
        return params == null ? initial(config) : warm(config, params);
    }

    /** True when every parameter is finite. */
    public boolean isFinite() {
        return params.values().stream().allMatch(FloatTensor::isFinite);
    }

    /** Every tensor (parameters, then optimizer state) in one map. */
    public Map<String, FloatTensor> all() {
        Map<String, FloatTensor> m = new LinkedHashMap<>(params);
        m.putAll(optimizer);
        return m;
    }
}
