package ai.factory.ops.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import ai.factory.kafka.KafkaConnection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the records at given offsets, or every record of given offset ranges, with one read_committed consumer and
 * no group, many partitions at once.
 *
 * <p>Requests on one partition are answered by one forward scan when they lie close together and by a seek
 * when the next one is far ahead, so a thousand groups with nearby committed offsets cost a few fetches,
 * not a thousand. Not thread-safe: one caller at a time.
 */
public final class PositionReader implements AutoCloseable {

    /** Read through gaps up to this many offsets instead of seeking. */
    private static final long SCAN_GAP = 2_000;

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** A reader on the cluster {@code connection} reaches; {@code maxRecordBytes} bounds the largest record it must fetch. */
    public PositionReader(KafkaConnection connection, int maxRecordBytes) {
        this.consumer = new KafkaConsumer<>(config(connection, maxRecordBytes), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The consumer's settings: the connection's, then a group-less read_committed reader's. */
    public static Map<String, Object> config(KafkaConnection connection, int maxRecordBytes) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Reading below the log start (retention) lands on the oldest record still there.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(maxRecordBytes, 1 << 20));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(maxRecordBytes, 50 << 20));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "factory-ops-reader");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return connection.clientConfig(props);
    }

    /**
     * The answer to each request: the record, or empty when its range holds no data record (only transaction
     * markers or aborted records). A request without an entry could not be answered before {@code timeout}.
     */
    public Map<ReadRequest, Optional<FoundRecord>> read(Collection<ReadRequest> requests, Duration timeout) {
        Map<TopicPartition, Deque<ReadRequest>> pending = new HashMap<>();
        for (ReadRequest request : requests) {
            if (request.offset() < request.bound()) {
                pending.computeIfAbsent(request.partition(), tp -> new ArrayDeque<>()).add(request);
            }
        }
        pending.replaceAll((tp, queue) -> sorted(queue));
        Map<ReadRequest, Optional<FoundRecord>> found = new HashMap<>();
        if (pending.isEmpty()) {
            return found;
        }
        consumer.assign(pending.keySet());
        pending.forEach((tp, queue) -> consumer.seek(tp, queue.peekFirst().offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
            for (TopicPartition tp : records.partitions()) {
                Deque<ReadRequest> queue = pending.get(tp);
                if (queue == null) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                    answer(queue, record, found);
                    if (queue.isEmpty()) {
                        break;
                    }
                }
            }
            List<TopicPartition> done = new ArrayList<>();
            for (Map.Entry<TopicPartition, Deque<ReadRequest>> entry : pending.entrySet()) {
                TopicPartition tp = entry.getKey();
                Deque<ReadRequest> queue = entry.getValue();
                long position = consumer.position(tp);
                // Requests whose range the consumer passed without a data record hold only markers.
                while (!queue.isEmpty() && position >= queue.peekFirst().bound()
                        && position > queue.peekFirst().offset()) {
                    found.put(queue.pollFirst(), Optional.empty());
                }
                if (queue.isEmpty()) {
                    done.add(tp);
                } else if (queue.peekFirst().offset() > position + SCAN_GAP) {
                    consumer.seek(tp, queue.peekFirst().offset());
                }
            }
            done.forEach(pending::remove);
            if (!done.isEmpty()) {
                consumer.pause(done);
            }
        }
        consumer.assign(List.of());
        return found;
    }

    /** Answers every queued request this record settles: it is the first data record at or after each of them. */
    private static void answer(Deque<ReadRequest> queue, ConsumerRecord<byte[], byte[]> record,
                               Map<ReadRequest, Optional<FoundRecord>> found) {
        while (!queue.isEmpty() && queue.peekFirst().offset() <= record.offset()) {
            ReadRequest request = queue.pollFirst();
            found.put(request, record.offset() < request.bound()
                    ? Optional.of(new FoundRecord(record.offset(), record.timestamp(), record.value()))
                    : Optional.empty());
        }
    }

    private static Deque<ReadRequest> sorted(Collection<ReadRequest> requests) {
        TreeMap<Long, List<ReadRequest>> byOffset = new TreeMap<>();
        for (ReadRequest request : requests) {
            byOffset.computeIfAbsent(request.offset(), o -> new ArrayList<>()).add(request);
        }
        Deque<ReadRequest> queue = new ArrayDeque<>();
        byOffset.values().forEach(queue::addAll);
        return queue;
    }

    /** The newest committed data record before {@code bound} at or after {@code floor}, looking back a few offsets. */
    public Optional<FoundRecord> newest(TopicPartition partition, long floor, long bound, Duration timeout) {
        return newest(Map.of(partition, new long[] {floor, bound}), timeout).values().stream().findFirst();
    }

    /**
     * The newest committed data record before each partition's bound (value[1]) and at or after its floor (value[0]).
     * A transactional log ends with a commit marker, so the reader looks back 2 offsets, then 64, then gives up.
     */
    public Map<TopicPartition, FoundRecord> newest(Map<TopicPartition, long[]> ranges, Duration timeout) {
        Map<TopicPartition, FoundRecord> newest = new HashMap<>();
        Map<TopicPartition, long[]> open = new HashMap<>(ranges);
        for (long lookBack : new long[] {2, 64}) {
            List<ReadRequest> requests = new ArrayList<>();
            for (Map.Entry<TopicPartition, long[]> entry : open.entrySet()) {
                long floor = entry.getValue()[0];
                long bound = entry.getValue()[1];
                for (long offset = Math.max(floor, bound - lookBack); offset < bound; offset++) {
                    requests.add(new ReadRequest(entry.getKey(), offset, bound));
                }
            }
            if (requests.isEmpty()) {
                break;
            }
            for (Map.Entry<ReadRequest, Optional<FoundRecord>> entry : read(requests, timeout).entrySet()) {
                entry.getValue().ifPresent(record -> newest.merge(entry.getKey().partition(), record,
                        (a, b) -> a.offset() >= b.offset() ? a : b));
            }
            open.keySet().removeAll(newest.keySet());
            open.entrySet().removeIf(e -> e.getValue()[1] - e.getValue()[0] <= lookBack);
        }
        return newest;
    }

    /** The partitions of {@code topic}; none when the topic does not exist. */
    public List<TopicPartition> partitions(String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null) {
            return List.of();
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Each partition's first and end (last stable) offset, as {@code {first, end}}. */
    public Map<TopicPartition, long[]> extent(Collection<TopicPartition> partitions, Duration timeout) {
        // Assigned, so the consumer keeps the last stable offsets a read_committed answer brings (and logs no warning).
        consumer.assign(partitions);
        Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Map<TopicPartition, long[]> extent = new HashMap<>();
        for (TopicPartition tp : partitions) {
            extent.put(tp, new long[] {first.getOrDefault(tp, 0L), end.getOrDefault(tp, 0L)});
        }
        return extent;
    }

    /**
     * Each partition's offset of its first committed data record stamped at or after {@code timestampMs}, or its end
     * offset when it has none. The time index alone does not do: it counts transaction markers, which the broker stamps
     * with the wall clock, so on a transactional topic whose records carry older times (a replay's) it points at the
     * first marker. It gives where to start a binary search over the records themselves, exact for records in time
     * order; {@code timeout} bounds each step.
     */
    public Map<TopicPartition, Long> offsetsAt(Collection<TopicPartition> partitions, long timestampMs, Duration timeout) {
        Map<TopicPartition, long[]> extent = extent(partitions, timeout);
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, Math.max(0, timestampMs)));
        Map<TopicPartition, OffsetAndTimestamp> indexed = consumer.offsetsForTimes(query, timeout);
        Map<TopicPartition, long[]> open = new HashMap<>();
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = indexed.get(tp);
            long end = extent.get(tp)[1];
            // Nothing before the time index's answer is stamped that late: the search starts there.
            long low = at == null ? end : Math.max(extent.get(tp)[0], Math.min(at.offset(), end));
            open.put(tp, new long[] {low, end});
        }
        // The first step reads the record the time index points at: stamped late enough, it is the answer (no marker
        // misled the index), and one read settles the partition.
        boolean first = true;
        while (!open.isEmpty()) {
            Map<ReadRequest, TopicPartition> requests = new HashMap<>();
            boolean atIndex = first;
            open.forEach((tp, range) -> {
                if (range[0] >= range[1]) {
                    return;
                }
                long probe = atIndex ? range[0] : range[0] + (range[1] - range[0]) / 2;
                requests.put(new ReadRequest(tp, probe, range[1]), tp);
            });
            first = false;
            open.entrySet().removeIf(e -> {
                if (e.getValue()[0] >= e.getValue()[1]) {
                    offsets.put(e.getKey(), e.getValue()[0]);
                    return true;
                }
                return false;
            });
            if (requests.isEmpty()) {
                break;
            }
            Map<ReadRequest, Optional<FoundRecord>> found = read(requests.keySet(), timeout);
            for (Map.Entry<ReadRequest, TopicPartition> entry : requests.entrySet()) {
                Optional<FoundRecord> record = found.get(entry.getKey());
                if (record == null) {
                    throw new TimeoutException("no answer reading "
                            + entry.getValue() + " at offset " + entry.getKey().offset() + " within " + timeout);
                }
                long[] range = open.get(entry.getValue());
                if (record.isEmpty() || record.get().timestampMs() >= timestampMs) {
                    range[1] = entry.getKey().offset();
                } else {
                    range[0] = record.get().offset() + 1;
                }
            }
        }
        return offsets;
    }

    /** Why {@link #scan} returned. */
    public enum ScanEnd { DONE, STOPPED, BUDGET, TIMEOUT }

    /** What a {@link #scan} read: data records handed over, and why it ended. */
    public record ScanOutcome(long read, ScanEnd end) {
    }

    /**
     * Hands every committed data record of each partition's range ({@code {from, to}}, to exclusive) to
     * {@code visitor}, in offset order per partition, until every range is read, the visitor returns false, {@code budget}
     * records were handed over or {@code timeout} passed, whichever comes first. A partition's range also ends at its
     * first data record stamped at or after {@code stopAtMs} ({@code Long.MAX_VALUE}: no such end).
     */
    public ScanOutcome scan(Map<TopicPartition, long[]> ranges, long stopAtMs, long budget, Duration timeout,
                            Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        Map<TopicPartition, long[]> open = new HashMap<>();
        ranges.forEach((tp, range) -> {
            if (range[0] < range[1]) {
                open.put(tp, range.clone());
            }
        });
        long read = 0;
        if (open.isEmpty()) {
            return new ScanOutcome(0, ScanEnd.DONE);
        }
        consumer.assign(open.keySet());
        open.forEach((tp, range) -> consumer.seek(tp, range[0]));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!open.isEmpty()) {
                if (System.nanoTime() >= deadline) {
                    return new ScanOutcome(read, ScanEnd.TIMEOUT);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (TopicPartition tp : records.partitions()) {
                    long[] range = open.get(tp);
                    if (range == null) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                        if (record.offset() >= range[1]) {
                            break;
                        }
                        if (record.timestamp() >= stopAtMs) {
                            // The range ends here: the position check below closes it.
                            range[1] = record.offset();
                            break;
                        }
                        if (read >= budget) {
                            return new ScanOutcome(read, ScanEnd.BUDGET);
                        }
                        read++;
                        if (!visitor.test(record)) {
                            return new ScanOutcome(read, ScanEnd.STOPPED);
                        }
                    }
                }
                List<TopicPartition> done = new ArrayList<>();
                open.forEach((tp, range) -> {
                    // Transaction markers move the position without a data record, so the position says when a range is read.
                    if (consumer.position(tp) >= range[1]) {
                        done.add(tp);
                    }
                });
                done.forEach(open::remove);
                if (!done.isEmpty()) {
                    consumer.pause(done);
                }
            }
            return new ScanOutcome(read, ScanEnd.DONE);
        } finally {
            consumer.assign(List.of());
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
