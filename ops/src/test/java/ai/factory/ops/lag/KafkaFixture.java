package ai.factory.ops.lag;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Small helpers to set up topics, records and groups on the test broker. */
public final class KafkaFixture implements AutoCloseable {

    private final String bootstrap;
    private final Admin admin;
    private final KafkaProducer<String, String> producer;

    public KafkaFixture(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    public void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
    }

    /** Writes {@code count} records to partition 0 with timestamps {@code firstTimestamp + i * stepMs}. */
    public void produce(String topic, int count, long firstTimestamp, long stepMs) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, 0, firstTimestamp + i * stepMs, "k" + i, "v" + i));
        }
        producer.flush();
    }

    /** Writes {@code count} records to partition 0 stamped now. */
    public void produce(String topic, int count) throws Exception {
        produce(topic, count, System.currentTimeMillis(), 0);
    }

    /** Commits {@code offset} for partition 0 on behalf of a group without members (as Flink sources do). */
    public void commit(String group, String topic, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)))
                .all().get(30, TimeUnit.SECONDS);
    }

    public Admin admin() {
        return admin;
    }

    public KafkaConsumer<String, String> consumer(String group, boolean readCommitted, int maxPollRecords) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    public KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, String> tx = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        tx.initTransactions();
        return tx;
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
