package ai.factory.trainer.job;

import java.io.Serializable;

/**
 * One labelled example as the trainer needs it, with where it was read so releases can name their data.
 *
 * @param eventTime event time in epoch milliseconds
 */
public record TrainingExample(String eventId, long eventTime, float[] dense, long[] sparse, float label,
                              int partition, long offset) implements Serializable {
}
