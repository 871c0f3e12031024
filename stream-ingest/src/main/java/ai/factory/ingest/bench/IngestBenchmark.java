package ai.factory.ingest.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.EmbeddedKafka;
import ai.factory.ingest.job.IngestHandle;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.records.Event;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events per second through the feature job (flights spec, bounded run in-process) next to the rate of a
 * plain Kafka consumer + producer copying the same records, measured in the same run.
 *
 * <p>{@code java -cp ... ai.factory.ingest.bench.IngestBenchmark [events=200000] [parallelism=1] [bootstrap]}
 */
public final class IngestBenchmark {

    private static final Logger log = LoggerFactory.getLogger(IngestBenchmark.class);
    private static final String[] AIRPORTS = {"ATL", "ORD", "DFW", "LAX", "PHX", "STL", "DTW", "MSP", "DEN", "SFO",
        "IAH", "LAS", "EWR", "CLT", "PIT", "BOS", "SEA", "MCO", "PHL", "LGA", "BWI", "SLC", "CVG", "DCA", "MIA"};

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        EmbeddedKafka embedded = args.length > 2 ? null : EmbeddedKafka.start();
        String bootstrap = embedded != null ? embedded.bootstrapServers() : args[2];
        try {
            Topics topics = new Topics("bench-" + System.currentTimeMillis() + ".");
            IngestOptions options = IngestOptions.defaults(bootstrap).withTopicPrefix(topics.prefix())
                    .withParallelism(parallelism).withBounded(true).withGroupId("bench-" + topics.prefix())
                    .withDedupTtl(Duration.ofMinutes(10));
            IngestJob.ensureTopics(options);
            write(bootstrap, topics, events);

            double baseline = copyRate(bootstrap, topics.events(), topics.prefix() + "baseline", events);
            long[] jobMillis = jobMillis(options);
            double job = events / (jobMillis[0] / 1e3);
            double jobWithStart = events / (jobMillis[1] / 1e3);
            System.out.printf("events: %d, job parallelism: %d%n", events, parallelism);
            System.out.printf("raw Kafka consume+produce: %,.0f events/s%n", baseline);
            System.out.printf("feature job (flights spec): %,.0f events/s (job net runtime; %,.0f events/s incl. local cluster start)%n",
                    job, jobWithStart);
            System.out.printf("ratio job / raw Kafka: %.3f%n", job / baseline);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** Flights-like events: 25 airports, distances, departures one every ~5 s of event time. */
    private static void write(String bootstrap, Topics topics, int count) throws Exception {
        Random random = new Random(42);
        Instant time = Instant.parse("2001-01-01T00:00:00Z");
        try (SchemaRegistry registry = new KafkaSchemaRegistry(bootstrap, topics.schemas());
             var producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 20, "batch.size", 262144),
                     new StringSerializer(), new ByteArraySerializer())) {
            AvroCodec<Event> codec = AvroCodec.of(Event.class, registry);
            for (int i = 0; i < count; i++) {
                time = time.plusMillis(random.nextInt(10_000));
                String origin = AIRPORTS[random.nextInt(AIRPORTS.length)];
                Map<String, Object> attributes = new HashMap<>();
                attributes.put("origin", origin);
                attributes.put("destination", AIRPORTS[random.nextInt(AIRPORTS.length)]);
                attributes.put("distance", (long) (100 + random.nextInt(2500)));
                Event e = Event.newBuilder().setId("f" + i).setEventTime(time).setEntity(origin).setAttributes(attributes).build();
                producer.send(new ProducerRecord<>(topics.events(), e.getId(), codec.encode(e)));
            }
            producer.flush();
        }
    }

    /** The baseline: one consumer reads every record of {@code from}, one producer writes it to {@code to}. */
    private static double copyRate(String bootstrap, String from, String to, int count) {
        Map<String, Object> consumerProps = new HashMap<>(Map.of("bootstrap.servers", bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000));
        long start = System.nanoTime();
        int copied = 0;
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                     new StringSerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(from).stream()
                    .map(p -> new TopicPartition(from, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (copied < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    producer.send(new ProducerRecord<>(to, r.key(), r.value()));
                    copied++;
                }
            }
            producer.flush();
        }
        return copied / ((System.nanoTime() - start) / 1e9);
    }

    /** {net runtime of the bounded job, wall time including the in-process cluster start}, in ms. */
    private static long[] jobMillis(IngestOptions options) throws Exception {
        long start = System.nanoTime();
        try (IngestHandle job = IngestJob.start(options)) {
            var result = job.client().getJobExecutionResult().get(10, TimeUnit.MINUTES);
            log.info("Benchmark job {} finished", result.getJobID());
            return new long[]{result.getNetRuntime(), (System.nanoTime() - start) / 1_000_000};
        }
    }
}
