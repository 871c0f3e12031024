package ai.factory.scoring.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/** Polled records not yet scored, in offset order per partition. Owned by the scoring thread. */
final class PendingRecords {

    private final Map<TopicPartition, Deque<Pending>> queues = new LinkedHashMap<>();

    void add(Pending pending) {
        queues.computeIfAbsent(pending.partition(), tp -> new ArrayDeque<>()).addLast(pending);
    }

    /** Puts taken records back at the front of their partitions, in their original order. */
    void putBack(List<Pending> taken) {
        for (int i = taken.size() - 1; i >= 0; i--) {
            Pending pending = taken.get(i);
            queues.computeIfAbsent(pending.partition(), tp -> new ArrayDeque<>()).addFirst(pending);
        }
    }

    Deque<Pending> queue(TopicPartition partition) {
        return queues.getOrDefault(partition, new ArrayDeque<>());
    }

    List<TopicPartition> partitions() {
        return new ArrayList<>(queues.keySet());
    }

    int size(TopicPartition partition) {
        Deque<Pending> queue = queues.get(partition);
        return queue == null ? 0 : queue.size();
    }

    int size() {
        int size = 0;
        for (Deque<Pending> queue : queues.values()) {
            size += queue.size();
        }
        return size;
    }

    /** Forgets the records of partitions this consumer no longer owns; their new owner reads them again. */
    void drop(Collection<TopicPartition> partitions) {
        partitions.forEach(queues::remove);
    }

    void clear() {
        queues.clear();
    }
}
