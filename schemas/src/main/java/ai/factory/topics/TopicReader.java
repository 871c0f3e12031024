package ai.factory.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic from its beginning up to its end as of the start of the read, within a time limit. */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * Hands every record of {@code topic} below the end offsets taken at the start to {@code each}. The consumer is
     * assigned all partitions of the topic (no group); a read_committed consumer stops at the last stable offsets.
     *
     * @throws KafkaException when the end is not reached within {@code timeout}
     */
    public static <K, V> void readToEnd(KafkaConsumer<K, V> consumer, String topic, Duration timeout,
                                        Consumer<ConsumerRecord<K, V>> each) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("timed out after " + timeout.toSeconds() + " s reading " + topic + " to its end");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(each);
        }
    }
}
