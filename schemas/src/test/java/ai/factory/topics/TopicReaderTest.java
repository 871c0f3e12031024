package ai.factory.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class TopicReaderTest {

    @Test
    void readsEveryCommittedRecordOfEveryPartitionUpToTheEndAtTheStart(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("reader") + "t";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(new TopicSpec(topic, 2, (short) -1, Map.of(), null, "test")));
        }
        Map<String, Object> producerProps = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "transactional.id", topic + "-tx");
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "aborted", "x"));
            producer.abortTransaction();
        }
        Map<String, Object> consumerProps = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "isolation.level", "read_committed", "enable.auto.commit", false);
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            TopicReader.readToEnd(consumer, topic, Duration.ofSeconds(30), (ConsumerRecord<String, String> r) -> values.add(r.value()));
        }
        assertThat(values).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5");
    }
}
