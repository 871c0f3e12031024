package ai.factory.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stream-ingest job jar, submitted over REST to a real Flink session cluster (separate JobManager and
 * TaskManager processes), turns events on the broker into feature vectors: the same job as the embedded mode.
 */
@ExtendWith(KafkaExtension.class)
class IngestOnFlinkClusterTest {

    private static final int EVENTS = 300;

    @Test
    void theJobJarRunsOnASessionClusterAndFeaturizesEveryEvent(TestKafka kafka) throws Exception {
        Path jar = jobJar();
        String prefix = TestKafka.uniquePrefix("cluster");
        Topics topics = new Topics(prefix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 2, null));
        }
        Path home = Files.createTempDirectory("flink-cluster-ingest");
        try (FlinkSessionCluster cluster = FlinkSessionCluster.start(home, 1)) {
            String jobId = cluster.submit(jar, List.of("--bootstrap", kafka.bootstrapServers(), "--prefix", prefix,
                    "--parallelism", "2", "--idleness", "2s", "--restart-attempts", "1"), 2);
            Awaitility.await("job running").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> cluster.jobState(jobId).equals("RUNNING"));

            Set<String> produced = produceFlights(kafka, topics);

            Set<String> featurized = new HashSet<>();
            try (SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas());
                 var consumer = consumer(kafka)) {
                AvroCodec<FeatureVector> codec = AvroCodec.of(FeatureVector.class, registry);
                consumer.subscribe(List.of(topics.features()));
                Awaitility.await("a feature vector per event").atMost(Duration.ofSeconds(120)).until(() -> {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                        FeatureVector v = codec.decode(r);
                        assertThat(v.getSpecName()).isEqualTo("flights");
                        assertThat(r.key()).isEqualTo(v.getEventId());
                        featurized.add(v.getEventId());
                    }
                    return featurized.size() >= EVENTS;
                });
            }
            assertThat(featurized).isEqualTo(produced);
            assertThat(cluster.jobState(jobId)).isEqualTo("RUNNING");
            cluster.cancel(jobId);
        }
    }

    /** The shaded job jar that {@code mvn package} builds in stream-ingest. */
    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "stream-ingest", "target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("stream-ingest job jar not built; run mvn package first"));
        }
    }

    private static Set<String> produceFlights(TestKafka kafka, Topics topics) throws Exception {
        Set<String> ids = new HashSet<>();
        String[] airports = {"SFO", "LAX", "JFK", "ORD", "ATL"};
        Instant start = Instant.parse("2001-01-01T06:00:00Z");
        try (SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            AvroCodec<Event> codec = AvroCodec.of(Event.class, registry);
            for (int i = 0; i < EVENTS; i++) {
                Map<String, Object> attributes = new HashMap<>();
                attributes.put("origin", airports[i % airports.length]);
                attributes.put("destination", airports[(i * 7 + 1) % airports.length]);
                attributes.put("distance", 300L + i);
                Instant t = start.plusSeconds(60L * i);
                Event e = Event.newBuilder().setId("f-" + i).setEventTime(t).setEntity(airports[i % airports.length])
                        .setAttributes(attributes).build();
                producer.send(new ProducerRecord<>(topics.events(), null, t.toEpochMilli(), e.getId(), codec.encode(e)));
                ids.add(e.getId());
            }
            producer.flush();
        }
        return ids;
    }

    private static KafkaConsumer<String, byte[]> consumer(TestKafka kafka) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
