package ai.factory.trainer.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.kafka.KafkaConnection;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.topics.TopicReader;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The served feature vectors of a stream joined with the label each one later received, read from the
 * {@code features} and {@code feedback} topics of a Kafka cluster: exactly what the job computed, so an offline
 * replay trains on the same inputs as the loop. Events are in event-time order (ties by event id).
 */
public final class LabelledStream {

    /** One event: its vector as served, its label and when the label became known. */
    public record Labelled(String id, long eventMillis, float[] dense, long[] sparse, float label, long labelMillis) {
    }

    private LabelledStream() {
    }

    /** Reads both topics to their current end; events without a label (or of another spec version) are left out. */
    public static List<Labelled> read(KafkaConnection kafka, Topics topics, String specName, int specVersion) throws Exception {
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(kafka, topics.schemas()).open()) {
            AvroCodec<FeatureVector> vectors = AvroCodec.of(FeatureVector.class, registry);
            AvroCodec<Feedback> feedback = AvroCodec.of(Feedback.class, registry);
            Map<String, FeatureVector> served = new LinkedHashMap<>();
            for (ConsumerRecord<String, byte[]> r : readAll(kafka, topics.features())) {
                FeatureVector v = vectors.decode(r);
                if (v.getSpecName().equals(specName) && v.getSpecVersion() == specVersion) {
                    served.putIfAbsent(v.getEventId(), v); // a restarted job may write a vector twice; the first was served
                }
            }
            Map<String, Feedback> labels = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : readAll(kafka, topics.feedback())) {
                Feedback f = feedback.decode(r);
                labels.putIfAbsent(f.getEventId(), f);
            }
            if (served.isEmpty() || labels.isEmpty()) {
                throw new IllegalStateException("read " + served.size() + " vectors of " + specName + " v" + specVersion
                        + " from " + topics.features() + " and " + labels.size() + " labels from " + topics.feedback());
            }
            List<Labelled> out = new ArrayList<>(served.size());
            for (FeatureVector v : served.values()) {
                Feedback f = labels.get(v.getEventId());
                if (f != null) {
                    out.add(new Labelled(v.getEventId(), v.getEventTime().toEpochMilli(), floats(v.getDense()),
                            longs(v.getSparse()), (float) f.getLabel(), f.getFeedbackTime().toEpochMilli()));
                }
            }
            // Ties by id: the topics' partitions interleave differently on every read, and replays should repeat.
            out.sort(Comparator.comparingLong(Labelled::eventMillis).thenComparing(Labelled::id));
            return out;
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(KafkaConnection kafka) {
        Map<String, Object> props = kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Every record of {@code topic} up to its end when the read starts. */
    private static List<ConsumerRecord<String, byte[]>> readAll(KafkaConnection kafka, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            TopicReader.readToEnd(consumer, topic, Duration.ofMinutes(10), records::add);
            return records;
        }
    }

    private static float[] floats(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }

    private static long[] longs(List<Integer> values) {
        long[] a = new long[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
