package ai.factory.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import ai.factory.kafka.KafkaConnection;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw Kafka rates every benchmark compares with: one plain producer writing records, one plain consumer (all
 * partitions assigned, no group) reading them, and the two together copying a topic. The same client settings
 * everywhere, bytes in and out, so what a part adds on top of Kafka comes out as a ratio. Every client takes the
 * connection's settings, so the rates are those of a secured cluster too when {@code --kafka-config} names one.
 */
public final class KafkaRates {

    /** Longest a raw read may take before the benchmark gives up. */
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private KafkaRates() {
    }

    /** Creates {@code topic} with {@code partitions} partitions unless it exists. */
    public static void createTopic(KafkaConnection kafka, String topic, int partitions) {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            TopicAdmin.ensure(admin, List.of(new TopicSpec(topic, partitions, (short) -1, Map.of(), null, "benchmark")));
        }
    }

    /** Records per second of one producer sending {@code records} and flushing (client start-up not counted). */
    public static double produce(KafkaConnection kafka, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            producer.partitionsFor(records.get(0).topic());
            long start = System.nanoTime();
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.flush();
            return records.size() / seconds(start);
        }
    }

    /** Records per second of one consumer reading the first {@code count} records of {@code topic}. */
    public static double consume(KafkaConnection kafka, String topic, long count) {
        return consume(kafka, topic, count, r -> { });
    }

    /**
     * Records per second of one consumer reading the first {@code count} records of {@code topic}, each handed to
     * {@code each} on the polling thread (its time counts; client start-up does not).
     */
    public static double consume(KafkaConnection kafka, String topic, long count, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, topic)) {
            long start = System.nanoTime();
            readCount(consumer, topic, count, each);
            return count / seconds(start);
        }
    }

    /**
     * Records per second of one consumer reading the first {@code count} records of {@code from} and one producer
     * writing each to {@code to} (created with as many partitions as {@code from} unless it exists), then flushing.
     */
    public static double copy(KafkaConnection kafka, String from, String to, long count) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, from);
             KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            createTopic(kafka, to, consumer.assignment().size());
            producer.partitionsFor(to);
            long start = System.nanoTime();
            readCount(consumer, from, count, r -> producer.send(new ProducerRecord<>(to, r.key(), r.value())));
            producer.flush();
            return count / seconds(start);
        }
    }

    /**
     * The better of two {@link #copy copies} of the same records (to {@code to}-1 and {@code to}-2): the first also
     * compiles the clients' code, which a part measured later in the same JVM finds compiled too.
     */
    public static double bestCopy(KafkaConnection kafka, String from, String to, long count) {
        return Math.max(copy(kafka, from, to + "-1", count), copy(kafka, from, to + "-2", count));
    }

    private static void readCount(KafkaConsumer<byte[], byte[]> consumer, String topic, long count,
                                  Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long seen = 0;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (seen < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("read " + seen + " of " + count + " records of " + topic + " in "
                        + LIMIT.toMinutes() + " minutes");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (seen++ < count) {
                    each.accept(r);
                }
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaConnection kafka) {
        Map<String, Object> props = kafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all"));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer assigned every partition of {@code topic}, at the beginning. */
    private static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection kafka, String topic) {
        Map<String, Object> props = kafka.clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static double seconds(long startNanos) {
        return Math.max(1, System.nanoTime() - startNanos) / (double) TimeUnit.SECONDS.toNanos(1);
    }
}
