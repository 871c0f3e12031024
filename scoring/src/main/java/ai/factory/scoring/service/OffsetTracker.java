package ai.factory.scoring.service;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, the offset after the last record handled (scored or dead-lettered) and the highest one this instance
 * committed. The committed offsets outlive an abandon and a lost partition (they are durable in Kafka once the commit
 * returned, and offsets only move forward), so a rewind can refuse to go back before them even when the cluster, just
 * restarted, reports none.
 */
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
        offsets.forEach((partition, offset) -> committed.merge(partition, offset.offset(), Math::max));
    }

    /** The offset this instance last committed for {@code partition} while owning it, if any. */
    OptionalLong lastCommitted(TopicPartition partition) {
        Long offset = committed.get(partition);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    /** Forgets what was handled since the last commit (abandoned outputs); what was committed stays known. */
    void abandonHandled() {
        handled.clear();
    }

    /**
     * Forgets what was handled on partitions that moved or were lost. What was committed on them stays known: a later
     * owner only commits further, so holding a rewind at or after it is always safe, also when they come back.
     */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(handled::remove);
    }
}
