package ai.factory.trainer.job;

import java.io.Serializable;
import java.util.List;

import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelConfig;

/**
 * One labelled example as the trainer needs it, with where it was read so releases can name their data.
 *
 * @param eventTime event time in epoch milliseconds
 */
public record TrainingExample(String eventId, long eventTime, float[] dense, long[] sparse, float label,
                              int partition, long offset) implements Serializable {

    /** The mini-batch of {@code examples}, in order, in the layout of {@code model}'s graphs. */
    public static Batch batch(List<TrainingExample> examples, ModelConfig model) {
        int n = examples.size();
        float[] dense = new float[n * model.denseSize()];
        long[] sparse = new long[n * model.sparseWidth()];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            TrainingExample e = examples.get(i);
            System.arraycopy(e.dense(), 0, dense, i * model.denseSize(), model.denseSize());
            System.arraycopy(e.sparse(), 0, sparse, i * model.sparseWidth(), model.sparseWidth());
            labels[i] = e.label();
        }
        return new Batch(n, model.denseSize(), model.sparseWidth(), dense, sparse, labels);
    }
}
