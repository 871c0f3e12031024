package ai.factory.trainer.job;

import java.io.Serializable;

/** What the source read: an example to train on, or an encoded {@code Rejected} record for the dead-letter topic. */
public record ReadResult(TrainingExample example, KeyedBytes rejected) implements Serializable {

    public static ReadResult accepted(TrainingExample example) {
        return new ReadResult(example, null);
    }

    public static ReadResult rejected(KeyedBytes rejected) {
        return new ReadResult(null, rejected);
    }

    public boolean isAccepted() {
        return example != null;
    }
}
