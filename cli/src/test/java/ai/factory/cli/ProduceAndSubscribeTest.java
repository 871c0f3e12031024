package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class ProduceAndSubscribeTest {

    @Test
    void produceWritesEventsAndDelayedFeedbackAndReportsBadLines(TestKafka kafka, @TempDir Path dir) throws Exception {
        String prefix = TestKafka.uniquePrefix("produce");
        Topics topics = new Topics(prefix);
        assertThat(TopicsCommandTest.run("topics", "create", "-b", kafka.bootstrapServers(), "--prefix", prefix).exitCode()).isZero();
        Path csv = dir.resolve("flights.csv");
        Files.writeString(csv, String.join("\n",
                "ts,delay,distance,origin,destination,delayed15",
                "2001-01-01T00:01:00,33,2176,LAS,PHL,1",
                "2001-01-01T00:02:00,-5,215,ATL,SAV,0",
                "2001-01-01T00:03:00,1,far,ATL,SAV,0",
                "2001-01-01T05:00:00,20,100,SFO,LAX",
                "2001-01-01T06:00:00,0,100,SFO,LAX,0", ""));

        var result = TopicsCommandTest.run("produce", csv.toString(), "--mapping", "../data/flights.mapping.json",
                "-b", kafka.bootstrapServers(), "--prefix", prefix);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("produced 3 events and 3 feedback records").contains("2 bad lines skipped");
        try (SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas())) {
            List<ConsumerRecord<String, byte[]>> events = readAll(kafka, topics.events(), 3);
            List<ConsumerRecord<String, byte[]>> feedback = readAll(kafka, topics.feedback(), 3);
            AvroCodec<Event> eventCodec = AvroCodec.of(Event.class, registry);
            AvroCodec<Feedback> feedbackCodec = AvroCodec.of(Feedback.class, registry);
            assertThat(events).extracting(r -> eventCodec.decode(r).getId())
                    .containsExactlyInAnyOrder("flight-1", "flight-2", "flight-5");
            for (ConsumerRecord<String, byte[]> r : events) {
                assertThat(r.timestamp()).as("record time is event time").isEqualTo(eventCodec.decode(r).getEventTime().toEpochMilli());
            }
            for (ConsumerRecord<String, byte[]> r : feedback) {
                Feedback f = feedbackCodec.decode(r);
                assertThat(r.key()).isEqualTo(f.getEventId());
                assertThat(r.timestamp()).isEqualTo(f.getFeedbackTime().toEpochMilli());
            }
        }
    }

    @Test
    void produceRefusesAMissingFileClearly() {
        var result = TopicsCommandTest.run("produce", "no-such-file.csv", "--mapping", "../data/flights.mapping.json");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("cannot read data file no-such-file.csv");
    }

    @Test
    void subscribeFiltersAndPrintsJsonLines(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("subscribe");
        Topics topics = new Topics(prefix);
        assertThat(TopicsCommandTest.run("topics", "create", "-b", kafka.bootstrapServers(), "--prefix", prefix).exitCode()).isZero();
        try (SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas());
             var producer = ProduceCommand.producer(ai.factory.kafka.KafkaConnection.of(kafka.bootstrapServers()))) {
            AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, registry);
            Instant t = Instant.parse("2001-01-01T00:00:00Z");
            for (int i = 0; i < 6; i++) {
                Prediction p = new Prediction("e" + i, t, i / 10.0, i % 2 == 0 ? "even" : "odd", (long) i, 1, t.plusSeconds(i), null);
                producer.send(new ProducerRecord<>(topics.predictions(), p.getEventId(), codec.encode(p))).get();
            }
        }
        var result = TopicsCommandTest.run("subscribe", "-b", kafka.bootstrapServers(), "--prefix", prefix,
                "--from", "beginning", "--model", "even", "--min-score", "0.1", "--format", "jsonl", "--limit", "2");
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines).allMatch(l -> l.contains("\"model_name\":\"even\""));
        assertThat(String.join("\n", lines)).contains("\"event_id\":\"e2\"").contains("\"event_id\":\"e4\"").doesNotContain("\"e0\"");
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(TestKafka kafka, String topic, int count) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "t" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
            // Nothing beyond the expected records arrives.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).hasSize(count);
        return records;
    }
}
