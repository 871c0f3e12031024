package ai.factory.ingest.spec;

import java.io.Serializable;

/**
 * What the model fed by a spec predicts: its name, its task, and the expected label, which an untrained model
 * serves: for regression the label's location and scale (the model serves {@code mean + std * output}, so one
 * learning rate fits any label scale), for binary labels the base rate. A spec without a {@code model} section
 * describes a binary model named after the spec, with no base rate.
 *
 * @param name      model name: releases, predictions and quality reports carry it
 * @param task      {@code binary} (0/1 labels, probabilities) or {@code regression} (numeric labels)
 * @param labelMean expected label, what the untrained model serves (binary: the base rate in (0, 1), 0 for none)
 * @param labelStd  regression: label spread, the unit of the training loss; positive (binary: 1)
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
        if (BINARY.equals(task) && (labelMean < 0 || labelMean >= 1 || labelStd != 1)) {
            throw new SpecException("a binary model's label_mean is its base rate in (0, 1) and it has no label_std");
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
