package ai.factory.trainer.job;

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
 */
public record ModelInput(String specName, int specVersion, int denseSize, int sparseWidth, int buckets, ModelTarget target) {
}
