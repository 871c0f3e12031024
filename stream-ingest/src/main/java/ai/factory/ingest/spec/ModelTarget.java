package ai.factory.ingest.spec;

import java.io.Serializable;

/**
 * What the model fed by a spec predicts: its name, its task, and for regression the label's location and scale
 * (the model serves {@code mean + std * output}, so one learning rate fits any label scale). A spec without a
 * {@code model} section describes a binary model named after the spec.
 *
 * @param name      model name: releases, predictions and quality reports carry it
 * @param task      {@code binary} (0/1 labels, probabilities) or {@code regression} (numeric labels)
 * @param labelMean regression only: expected label, what the untrained model serves
 * @param labelStd  regression only: label spread, the unit of the training loss; positive
 */
public record ModelTarget(String name, String task, double labelMean, double labelStd) implements Serializable {

    public static final String BINARY = "binary";
    public static final String REGRESSION = "regression";

    public ModelTarget {
        if (name == null || name.isBlank()) {
            throw new SpecException("model.name must be a non-empty string");
        }
        if (!BINARY.equals(task) && !REGRESSION.equals(task)) {
            throw new SpecException("model.task must be binary or regression, was '" + task + "'");
        }
        if (!Double.isFinite(labelMean) || !(labelStd > 0) || !Double.isFinite(labelStd)) {
            throw new SpecException("model.label_mean must be finite and model.label_std positive");
        }
        if (BINARY.equals(task) && (labelMean != 0 || labelStd != 1)) {
            throw new SpecException("model.label_mean and label_std are for regression only");
        }
    }

    /** A binary model called {@code name}. */
    public static ModelTarget binary(String name) {
        return new ModelTarget(name, BINARY, 0, 1);
    }

    public boolean regression() {
        return REGRESSION.equals(task);
    }
}
