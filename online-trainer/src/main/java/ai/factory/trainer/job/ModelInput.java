package ai.factory.trainer.job;

import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.target.ModelTarget;

/**
 * What a trainer learns from, as its feature spec says: the spec's name and version, the vectors' sizes, and the model
 * the spec feeds (name, task, label scale), which the trainer's options may override.
 *
 * @param specName    the spec's name; examples of other specs are dead-lettered
 * @param specVersion the spec's version
 * @param denseSize   D, the length of the dense vector
 * @param sparseWidth S, hashed ids per vector
 * @param buckets     size of the hashed id space
 * @param target      the spec's model
 * @param slotFeatures the spec feature of each slot, dense then sparse (D + S names)
 */
public record ModelInput(String specName, int specVersion, int denseSize, int sparseWidth, int buckets, ModelTarget target,
                         java.util.List<String> slotFeatures) {

    /**
     * What the feature spec at {@code location} (a file, {@code classpath:...} or the JSON itself) says the model learns
     * from: the vectors the feature job lays out for it.
     */
    public static ModelInput fromSpec(String location) {
        FeatureSpec spec = FeatureSpecParser.load(location);
        FeatureLayout layout = FeatureLayout.of(spec);
        return new ModelInput(spec.name(), spec.version(), layout.denseSize(), layout.sparseWidth(), spec.sparseBuckets(),
                spec.model(), layout.slotFeatures());
    }
}
