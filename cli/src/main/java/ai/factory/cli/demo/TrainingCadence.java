package ai.factory.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.factory.replay.Replay;
import ai.factory.trainer.job.TrainerProfile;

/**
 * How often the demo's trainer steps and releases, sized to the data: the flights (hundreds of thousands of rows)
 * keep the trainer's demo profile (batches of 256 and a release every 1,000 examples judged on the next 500); a data set of a few thousand rows
 * gets smaller batches and more frequent releases, or it would end after a handful of training steps and one
 * release, measuring the initial model rather than online learning.
 *
 * @param batchSize           examples per training step
 * @param publishEveryExamples new examples between releases
 * @param holdout             unseen examples a release is judged on before promotion
 */
public record TrainingCadence(int batchSize, long publishEveryExamples, int holdout) {

    /** How far the replay may run ahead of what the newest release learned from: five release intervals. */
    public long maxAhead() {
        return 5 * publishEveryExamples;
    }

    /** The flights' cadence, for data too large to count up front. */
    public static final TrainingCadence LARGE = new TrainingCadence(TrainerProfile.DEMO_BATCH_SIZE,
            TrainerProfile.DEMO_PUBLISH_EVERY_EXAMPLES, TrainerProfile.DEMO_HOLDOUT);
    /** Files up to this size are counted before the replay (a fraction of a second each). */
    static final long COUNTED_BYTES = 64L << 20;

    /** About 20 releases over the data, each judged on half its interval, batches of 1/200 of it, within bounds. */
    public static TrainingCadence forRows(long rows) {
        return new TrainingCadence((int) clamp(rows / 200, 16, LARGE.batchSize), clamp(rows / 20, 100, LARGE.publishEveryExamples),
                (int) clamp(rows / 40, 50, LARGE.holdout));
    }

    /**
     * The rows of a replay, counted (and checked to be in time order, unless it sorts) when the file is small enough
     * to read twice; -1 when it is not.
     */
    public static long countRows(Replay.Options replay) throws IOException {
        return Files.size(replay.data()) > COUNTED_BYTES ? -1 : Replay.scan(replay);
    }

    private static long clamp(long x, long min, long max) {
        return Math.max(min, Math.min(max, x));
    }
}
