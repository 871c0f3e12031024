package ai.factory.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    @Test
    void servesProduceAndConsumeAndRemovesItsStorageOnClose() throws Exception {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dir = kafka.dataDir();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            Map<String, Object> common = Map.of("bootstrap.servers", kafka.bootstrapServers());
            try (var producer = new KafkaProducer<>(common, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("greetings", "k", "hello")).get();
            }
            Map<String, Object> consumerProps = new java.util.HashMap<>(common);
            consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("greetings"));
                List<ConsumerRecord<String, String>> seen = new java.util.ArrayList<>();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                    return !seen.isEmpty();
                });
                assertThat(seen).extracting(ConsumerRecord::value).containsExactly("hello");
            }
            assertThat(dir).exists();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void restartsOnItsKeptStorageWithTheRecordsItHad(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("storage");
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(0, dir, Map.of()))) {
            port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
            try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "before the restart")).get();
            }
        }
        assertThat(dir.resolve("logs").resolve("meta.properties")).exists();
        try (EmbeddedKafka again = EmbeddedKafka.start(new EmbeddedKafka.Settings(port, dir, Map.of()))) {
            Map<String, Object> props = new java.util.HashMap<>(Map.of("bootstrap.servers", again.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "g", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
            try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("kept"));
                List<String> seen = new java.util.ArrayList<>();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                    return !seen.isEmpty();
                });
                assertThat(seen).containsExactly("before the restart");
            }
        }
    }

    @Test
    void rejectsAnImpossiblePort() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EmbeddedKafka.Settings(70000, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
