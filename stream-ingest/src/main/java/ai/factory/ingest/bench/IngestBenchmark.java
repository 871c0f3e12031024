package ai.factory.ingest.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import ai.factory.bench.KafkaRates;
import ai.factory.ingest.job.IngestHandle;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.Event;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events per second through the feature job (flights spec, bounded run in-process) next to the rate of a
 * plain Kafka consumer + producer copying the same records, measured in the same run.
 *
 * <p>Run it as {@code factory bench ingest}.
 */
public final class IngestBenchmark {

    public static final String NAME = "ingest";

    private static final Logger log = LoggerFactory.getLogger(IngestBenchmark.class);
    private static final String[] AIRPORTS = {"ATL", "ORD", "DFW", "LAX", "PHX", "STL", "DTW", "MSP", "DEN", "SFO",
        "IAH", "LAS", "EWR", "CLT", "PIT", "BOS", "SEA", "MCO", "PHL", "LGA", "BWI", "SLC", "CVG", "DCA", "MIA"};

    private IngestBenchmark() {
    }

    /**
     * Writes {@code events} flights-like events to fresh topics on {@code kafka} (named after {@code topicPrefix}, the
     * factory's {@code --prefix}), then times the copy and the job on them.
     */
    public static BenchResult run(KafkaConnection kafka, String topicPrefix, int events, int parallelism) throws Exception {
        Topics topics = new Topics(topicPrefix + "bench-" + System.nanoTime() + ".");
        IngestOptions options = IngestOptions.defaults(kafka).withTopicPrefix(topics.prefix())
                .withParallelism(parallelism).withBounded(true).withDedupTtl(Duration.ofMinutes(10));
        IngestJob.ensureTopics(options);
        write(kafka, topics, events);

        double baseline = KafkaRates.bestCopy(kafka, topics.events(), topics.prefix() + "baseline", events);
        long[] jobMillis = jobMillis(options);
        double job = events / (jobMillis[0] / 1e3);
        double jobWithStart = events / (jobMillis[1] / 1e3);
        String raw = "raw Kafka consume+produce";
        return BenchResult.builder(NAME, "events/s through the stream-ingest job (flights spec, bounded, in-process) "
                        + "next to a plain consumer+producer copying the same events")
                .setting("events", events).setting("parallelism", parallelism)
                .figure(Figure.against("feature job", job, "events/s", raw, baseline).withTarget(Target.atLeast(0.5)))
                .figure(Figure.against("feature job incl. local cluster start", jobWithStart, "events/s", raw, baseline))
                .note("feature job: events over the job's net runtime (Flink's own measure); the second row counts "
                        + "the wall time from submitting to the end, local Flink cluster start included")
                .note("raw Kafka consume+produce: the better of two copies of the events to a topic of as many partitions")
                .build();
    }

    /** Flights-like events: 25 airports, distances, departures one every ~5 s of event time. */
    private static void write(KafkaConnection kafka, Topics topics, int count) throws Exception {
        Random random = new Random(42);
        Instant time = Instant.parse("2001-01-01T00:00:00Z");
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(kafka, topics.schemas()).open();
             var producer = new KafkaProducer<>(kafka.clientConfig(Map.of("linger.ms", 20, "batch.size", 262144)),
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
