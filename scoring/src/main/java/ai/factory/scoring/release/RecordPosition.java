package ai.factory.scoring.release;

import java.util.Objects;

import org.apache.kafka.common.TopicPartition;

/** Where a record of the models topic is: enough to read it back once its graph is no longer held. */
public record RecordPosition(TopicPartition partition, long offset) {

    public RecordPosition {
        Objects.requireNonNull(partition, "partition");
    }

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
