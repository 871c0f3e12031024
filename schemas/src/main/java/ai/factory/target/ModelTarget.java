package ai.factory.target;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the model fed by a spec predicts: its name, its task, and the expected label, which an untrained model
 * serves: for regression the label's location and scale (the model serves {@code mean + std * output}, so one
 * learning rate fits any label scale), for binary labels the base rate. A spec without a {@code model} section
 * describes a binary model named after the spec, with no base rate. Read here, beside the records, because every
 * part takes its model from the spec: the ingest job and trainer with the whole spec, the scorer and the feedback app
 * with this section alone (without the feature machinery on their class path).
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
            throw new IllegalArgumentException("model.name must be a non-empty string");
        }
        if (!BINARY.equals(task) && !REGRESSION.equals(task)) {
            throw new IllegalArgumentException("model.task must be binary or regression, was '" + task + "'");
        }
        if (!Double.isFinite(labelMean) || !(labelStd > 0) || !Double.isFinite(labelStd)) {
            throw new IllegalArgumentException("model.label_mean must be finite and model.label_std positive");
        }
        if (BINARY.equals(task) && (labelMean < 0 || labelMean >= 1 || labelStd != 1)) {
            throw new IllegalArgumentException("a binary model's label_mean is its base rate in (0, 1) and it has no label_std");
        }
    }

    /** Prefix of a spec location inside the class path, e.g. {@code classpath:specs/flights.json}. */
    public static final String CLASSPATH = "classpath:";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The model of the spec at {@code location} (a file, or {@code classpath:...}). */
    public static ModelTarget ofSpec(String location) {
        try {
            return of(JSON.readTree(specText(location)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("feature spec " + location + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The model section of a parsed spec; absent, a binary model named after the spec. */
    public static ModelTarget of(JsonNode spec) {
        String specName = spec.path("name").asText("");
        JsonNode node = spec.path("model");
        if (node.isMissingNode()) {
            return binary(specName);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("spec.model must be an object {name, task, label_mean, label_std}");
        }
        for (String field : new String[] {"label_mean", "label_std"}) {
            if (node.has(field) && !node.get(field).isNumber()) {
                throw new IllegalArgumentException("model." + field + " must be a number");
            }
        }
        return new ModelTarget(node.path("name").asText(specName), node.path("task").asText(BINARY),
                node.path("label_mean").asDouble(0), node.path("label_std").asDouble(1));
    }

    /**
     * The text of the spec at {@code location}: a file path, {@code classpath:...}, or the JSON itself (starting with
     * '{', how {@code factory submit} hands a local file to jobs whose main runs on another host).
     */
    public static String specText(String location) {
        if (location.stripLeading().startsWith("{")) {
            return location;
        }
        try {
            if (location.startsWith(CLASSPATH)) {
                String resource = location.substring(CLASSPATH.length());
                try (InputStream in = ModelTarget.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no feature spec on the classpath at " + resource);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(location));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature spec " + location + ": " + e.getMessage(), e);
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
