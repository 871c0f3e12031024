package ai.factory.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.factory.kafka.KafkaConnection;
import ai.factory.topics.TopicCatalog;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Kafka alone, the baseline of every other benchmark: one producer writing records, one consumer reading the same
 * records back, and the two copying them to another topic, on the same cluster. After a warm-up round of a fifth of
 * the records on other topics, so the clients' code is compiled before it is timed.
 */
public final class KafkaBenchmark {

    public static final String NAME = "kafka";

    private KafkaBenchmark() {
    }

    /**
     * Runs on {@code kafka}: {@code records} records of {@code valueBytes} random bytes each, on fresh topics whose
     * names start with {@code topicPrefix} (the factory's {@code --prefix}, empty for none).
     */
    public static BenchResult run(KafkaConnection kafka, String topicPrefix, int records, int valueBytes) {
        String prefix = topicPrefix + "bench-" + System.nanoTime() + ".kafka.";
        round(kafka, prefix + "warm-up.", Math.max(1, records / 5), valueBytes);
        double[] rates = round(kafka, prefix + "1.", records, valueBytes);
        double[] second = round(kafka, prefix + "2.", records, valueBytes);
        for (int i = 0; i < rates.length; i++) {
            rates[i] = Math.max(rates[i], second[i]);
        }
        double mbPerRecord = (valueBytes + 8) / 1e6;
        return BenchResult.builder(NAME, "raw Kafka: one producer, one consumer, and both copying a topic, on the same records")
                .setting("records", records).setting("value bytes", valueBytes)
                .setting("partitions", TopicCatalog.DEFAULT_PARTITIONS)
                .figure(BenchResult.Figure.of("raw produce", rates[0], "records/s"))
                .figure(BenchResult.Figure.of("raw consume", rates[1], "records/s"))
                .figure(BenchResult.Figure.against("raw consume+produce (copy)", rates[2], "records/s", "raw produce", rates[0]))
                .figure(BenchResult.Figure.of("raw produce, bytes", rates[0] * mbPerRecord, "MB/s"))
                .note("producer acks=all, otherwise client defaults; consumer assigned all partitions, no group, 2,000 records per poll")
                .note("the better of two rounds of each, after a warm-up round of a fifth of the records")
                .build();
    }

    /** {produce, consume, copy} records/s on fresh topics named after {@code prefix}. */
    private static double[] round(KafkaConnection kafka, String prefix, int records, int valueBytes) {
        String topic = prefix + "records";
        KafkaRates.createTopic(kafka, topic, TopicCatalog.DEFAULT_PARTITIONS);
        SplittableRandom random = new SplittableRandom(42);
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[valueBytes];
            for (int j = 0; j < valueBytes; j++) {
                value[j] = (byte) random.nextInt(256);
            }
            batch.add(new ProducerRecord<>(topic, String.format("k%07d", i).getBytes(StandardCharsets.UTF_8), value));
        }
        double produce = KafkaRates.produce(kafka, batch);
        double consume = KafkaRates.consume(kafka, topic, records);
        double copy = KafkaRates.copy(kafka, topic, prefix + "copy", records);
        return new double[] {produce, consume, copy};
    }
}
