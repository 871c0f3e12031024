package ai.factory.trainer.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.records.FeatureVector;
import ai.factory.records.LabeledExample;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.SchemaRegistry;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.model.Batch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test helper: writes labelled examples drawn from a known model, and reads topics back. */
final class ExampleTopic {

    static final String SPEC = "flights";
    static final Instant T0 = Instant.parse("2001-01-01T00:00:00Z");

    private ExampleTopic() {
    }

    static LabeledExample example(String id, Batch batch, int row, String spec, long eventOffsetSeconds) {
        List<Float> dense = new ArrayList<>();
        for (int j = 0; j < batch.denseSize(); j++) {
            dense.add(batch.dense()[row * batch.denseSize() + j]);
        }
        List<Integer> sparse = new ArrayList<>();
        for (int j = 0; j < batch.sparseWidth(); j++) {
            sparse.add((int) batch.sparse()[row * batch.sparseWidth() + j]);
        }
        Instant time = T0.plusSeconds(eventOffsetSeconds);
        FeatureVector f = FeatureVector.newBuilder().setEventId(id).setEventTime(time).setEntity(null)
                .setDense(dense).setSparse(sparse).setSparseBuckets(1 << 10).setSpecName(spec).setSpecVersion(1)
                .setLate(false).setPreparedAt(time).build();
        return LabeledExample.newBuilder().setEventId(id).setFeatures(f).setLabel(batch.labels()[row])
                .setLabelTime(time.plusSeconds(600)).setLabelSource("feedback").setServedScore(null)
                .setModelName(null).setModelVersion(null).build();
    }

    /** Writes {@code n} good examples, round-robin over {@code partitions}; returns how many went to each partition. */
    static Map<Integer, Integer> produce(String bootstrap, String topic, SchemaRegistry registry, SyntheticData data,
                                         int n, int partitions, int firstId) throws Exception {
        return produce(bootstrap, topic, registry, data.next(n).batch(), partitions, firstId);
    }

    /** Writes the rows of {@code batch} as good examples, round-robin over {@code partitions}. */
    static Map<Integer, Integer> produce(String bootstrap, String topic, SchemaRegistry registry, Batch batch,
                                         int partitions, int firstId) throws Exception {
        int n = batch.size();
        Map<Integer, Integer> perPartition = new HashMap<>();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), AvroSerde.of(LabeledExample.class, registry))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int p = i % partitions;
                String id = "e-" + (firstId + i);
                sent.add(producer.send(new ProducerRecord<>(topic, p, id, example(id, batch, i, SPEC, firstId + i))));
                perPartition.merge(p, 1, Integer::sum);
            }
            producer.flush();
            for (var f : sent) {
                f.get();
            }
        }
        return perPartition;
    }

    static void produceRaw(String bootstrap, String topic, int partition, String key, byte[] value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        }
    }

    /** Every committed record of {@code topic} from the beginning. */
    static List<ConsumerRecord<String, byte[]>> readCommitted(String bootstrap, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
