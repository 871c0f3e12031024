package ai.factory.trainer.job;

import java.io.Serializable;
import java.util.Map;

import ai.factory.trainer.model.FloatTensor;

/**
 * Where a job without a checkpoint begins, decided from the models topic when the job is built.
 *
 * @param params           warm-start weights, or null for a seeded fresh start
 * @param nextVersion      the first version this job publishes
 * @param parentVersion    the version the weights come from, or null
 * @param ancestorExamples examples the warm-start weights were already trained on
 * @param championVersion  the current champion, or null
 * @param championParams   its weights (the gate compares against them), or null
 */
public record StartingPoint(Map<String, FloatTensor> params, long nextVersion, Long parentVersion, long ancestorExamples,
                            Long championVersion, Map<String, FloatTensor> championParams) implements Serializable {

    /** No models published yet: fresh weights, version 1. */
    public static StartingPoint fresh() {
        return new StartingPoint(null, 1, null, 0, null, null);
    }
}
