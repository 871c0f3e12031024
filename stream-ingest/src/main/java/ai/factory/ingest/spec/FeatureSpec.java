package ai.factory.ingest.spec;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import ai.factory.target.ModelTarget;

/**
 * A declarative, versioned description of the features prepared from events: which attributes an
 * event must carry, the limits it must respect, and the features in the order they appear in the vector.
 *
 * @param sparseBuckets size of the hashed id space shared by every categorical feature and cross
 * @param timeZone      zone in which time features (hour of day, day of week) are read
 * @param model         the model these features feed: name, task, label scale
 */
public record FeatureSpec(String name, int version, int sparseBuckets, ZoneId timeZone,
                          Map<String, AttributeRule> attributes, Limits limits,
                          List<FeatureDefinition> features, ModelTarget model) implements Serializable {

    public FeatureSpec {
        attributes = Map.copyOf(attributes);
        features = List.copyOf(features);
    }

    /** The feature called {@code featureName}, or null. */
    public FeatureDefinition feature(String featureName) {
        return features.stream().filter(f -> f.name().equals(featureName)).findFirst().orElse(null);
    }

    /** This spec with other limits (the features are the same). */
    public FeatureSpec withLimits(Limits other) {
        return new FeatureSpec(name, version, sparseBuckets, timeZone, attributes, other, features, model);
    }

    /** "name v3", the way logs and dead letters name the spec. */
    public String label() {
        return name + " v" + version;
    }
}
