package ai.factory.scoring.service;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Per partition, the offset after the last record handled (scored or dead-lettered) and the last one committed. */
final class OffsetTracker {

    private final Map<TopicPartition, Long> handled = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void handled(TopicPartition partition, long offset) {
        handled.merge(partition, offset + 1, Math::max);
    }

    /** Offsets to commit for {@code partitions}: handled beyond what was committed. */
    Map<TopicPartition, OffsetAndMetadata> uncommitted(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Long next = handled.get(partition);
            if (next != null && !next.equals(committed.get(partition))) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }

    /** Offsets to commit for every partition handled since it was assigned or last forgotten. */
    Map<TopicPartition, OffsetAndMetadata> uncommitted() {
        return uncommitted(handled.keySet());
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    void forgetAll() {
        handled.clear();
        committed.clear();
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> {
            handled.remove(partition);
            committed.remove(partition);
        });
    }
}
