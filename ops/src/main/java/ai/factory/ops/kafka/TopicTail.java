package ai.factory.ops.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.kafka.KafkaConnection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows every partition of one topic without a consumer group (views never commit offsets), handing out
 * what arrived since the last call. Partitions that appear later are picked up; a topic that does not exist
 * yet simply yields nothing. Not thread-safe.
 */
public final class TopicTail implements AutoCloseable {

    private final String topic;
    private final long startTimestampMs;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private int knownPartitions;

    /**
     * Tails {@code topic} from its first record ({@code startTimestampMs} = 0) or from the first record at or
     * after that time; {@code maxRecordBytes} bounds the largest record.
     */
    public TopicTail(KafkaConnection connection, String topic, long startTimestampMs, int maxRecordBytes) {
        this.topic = topic;
        this.startTimestampMs = startTimestampMs;
        this.consumer = new KafkaConsumer<>(config(connection, topic, maxRecordBytes), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The consumer's settings: the connection's, then a group-less read_committed tail's. */
    public static Map<String, Object> config(KafkaConnection connection, String topic, int maxRecordBytes) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(maxRecordBytes, 1 << 20));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(maxRecordBytes, 50 << 20));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "factory-ops-tail-" + topic);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return connection.clientConfig(props);
    }

    public String topic() {
        return topic;
    }

    /** Records that arrived since the last call, at most {@code maxRecords}, waiting no longer than {@code wait}. */
    public List<ConsumerRecord<byte[], byte[]>> poll(Duration wait, int maxRecords) {
        refreshAssignment();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (knownPartitions == 0) {
            return out;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                out.add(record);
            }
        } while (out.size() < maxRecords && System.nanoTime() < deadline && !atEnd());
        return out;
    }

    /** Reads the value at {@code offset} of {@code partition}, for views that keep only an offset in memory. */
    public byte[] readAt(PositionReader reader, int partition, long offset, Duration timeout) {
        ReadRequest request = new ReadRequest(new TopicPartition(topic, partition), offset, offset + 1);
        var found = reader.read(List.of(request), timeout).get(request);
        return found == null ? null : found.map(FoundRecord::value).orElse(null);
    }

    private boolean atEnd() {
        var end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void refreshAssignment() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos == null || infos.size() == knownPartitions) {
            return;
        }
        List<TopicPartition> all = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        List<TopicPartition> added = all.stream().filter(tp -> !consumer.assignment().contains(tp)).toList();
        consumer.assign(all);
        if (startTimestampMs > 0 && !added.isEmpty()) {
            Map<TopicPartition, Long> query = new HashMap<>();
            added.forEach(tp -> query.put(tp, startTimestampMs));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query, Duration.ofSeconds(5));
            for (TopicPartition tp : added) {
                OffsetAndTimestamp at = offsets.get(tp);
                if (at != null) {
                    consumer.seek(tp, at.offset());
                } else {
                    consumer.seekToEnd(List.of(tp));
                }
            }
        }
        knownPartitions = all.size();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
