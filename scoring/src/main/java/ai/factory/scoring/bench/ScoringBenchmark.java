package ai.factory.scoring.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ai.factory.broker.EmbeddedKafka;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.records.Prediction;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.Scorer;
import ai.factory.scoring.ScorerOptions;
import ai.factory.scoring.model.BatchInputs;
import ai.factory.scoring.model.ModelSession;
import ai.factory.scoring.model.ReleaseLoader;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput and latency of the scoring pipeline (features topic → scorer → predictions topic) at several offered
 * loads and on a backlog, next to direct ONNX Runtime batch scoring of the same model at the same batch sizes,
 * measured in the same run so the overhead of the pipeline comes out as a ratio.
 */
@Command(name = "scoring-benchmark", mixinStandardHelpOptions = true)
public final class ScoringBenchmark implements Callable<Integer> {

    private static final String MODEL = "bench";
    private static final String SPEC = "bench-spec";

    @Option(names = "--bootstrap", description = "Kafka to use (default: an embedded broker)")
    String bootstrap;

    @Option(names = "--loads", split = ",", defaultValue = "2000,10000,25000", description = "Offered loads, vectors/s")
    int[] loads;

    @Option(names = "--seconds", defaultValue = "5", description = "Duration of each offered load")
    int seconds;

    @Option(names = "--backlog", defaultValue = "100000", description = "Vectors in the backlog run (pipeline at full speed)")
    int backlog;

    @Option(names = "--warm-up", defaultValue = "20000", description = "Vectors of the unreported warm-up run")
    int warmUp;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,16,64,256", description = "Batch sizes of direct ORT scoring")
    int[] batchSizes;

    @Option(names = "--max-batch", defaultValue = "256", description = "The scorer's max batch size")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "0", description = "The scorer's max wait")
    int maxWaitMs;

    @Option(names = "--threads", defaultValue = "1", description = "ORT intra-op threads")
    int threads;

    @Option(names = "--dense", defaultValue = "8") int dense;
    @Option(names = "--sparse", defaultValue = "10") int sparse;
    @Option(names = "--buckets", defaultValue = "262144") int buckets;
    @Option(names = "--partitions", defaultValue = "3") int partitions;

    private final SchemaRegistry registry = new InMemorySchemaRegistry();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScoringBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        LogisticGraph.Weights weights = LogisticGraph.Weights.random(dense, buckets, 42);
        ModelRelease release = release(LogisticGraph.onnx(weights, sparse));
        List<FeatureVector> vectors = vectors(Math.max(backlog, 20_000));

        System.out.printf("model: logistic, dense %d, sparse %d, buckets %d; ORT threads %d; scorer max batch %d, max wait %d ms%n",
                dense, sparse, buckets, threads, maxBatch, maxWaitMs);
        Map<Integer, Double> direct = directScoring(release, vectors);

        EmbeddedKafka embedded = bootstrap == null ? EmbeddedKafka.start() : null;
        String servers = embedded != null ? embedded.bootstrapServers() : bootstrap;
        try {
            System.out.printf("%nPipeline (Kafka %s):%n", embedded != null ? "embedded, same JVM" : servers);
            System.out.printf("%-16s %12s %12s %12s %12s %12s%n", "offered/s", "served/s", "p50 ms", "p99 ms", "mean batch", "in-scorer p99");
            // An unreported run first warms up the JIT, the clients and the broker.
            pipeline(servers, release, vectors.subList(0, warmUp), 0, warmUp, false);
            double drained = pipeline(servers, release, vectors.subList(0, backlog), 0, backlog, true);
            for (int load : loads) {
                pipeline(servers, release, vectors, load, (long) load * seconds, true);
            }
            double best = direct.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            double atMax = direct.getOrDefault(maxBatch, best);
            System.out.printf("%nPipeline on a backlog: %.0f predictions/s; direct ORT at batch %d: %.0f rows/s; "
                    + "pipeline / direct = %.3f (the pipeline's overhead is the rest)%n", drained, maxBatch, atMax, drained / atMax);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
        return 0;
    }

    /** Direct ORT scoring of the same vectors in batches, inputs prepared before timing. */
    private Map<Integer, Double> directScoring(ModelRelease release, List<FeatureVector> vectors) throws Exception {
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.CPU, threads, false));
        ModelSession session = new ReleaseLoader(sessions, Arrays.stream(batchSizes).max().orElse(1)).load(release, Optional.empty());
        Map<Integer, Double> throughput = new HashMap<>();
        System.out.printf("%nDirect ONNX Runtime (same model, same vectors):%n%-12s %14s %14s %14s%n", "batch", "rows/s", "p50 us/batch", "p99 us/batch");
        try {
            for (int batch : batchSizes) {
                BatchInputs inputs = new BatchInputs();
                inputs.reset(session.shape(), batch);
                for (int i = 0; i < batch; i++) {
                    inputs.add(vectors.get(i).getDense(), vectors.get(i).getSparse());
                }
                int runs = Math.max(200, 200_000 / batch);
                for (int i = 0; i < Math.min(runs, 200); i++) {
                    session.score(inputs);
                }
                long[] nanos = new long[runs];
                long start = System.nanoTime();
                for (int i = 0; i < runs; i++) {
                    long t = System.nanoTime();
                    session.score(inputs);
                    nanos[i] = System.nanoTime() - t;
                }
                double rowsPerSecond = (double) runs * batch / ((System.nanoTime() - start) / 1e9);
                Arrays.sort(nanos);
                throughput.put(batch, rowsPerSecond);
                System.out.printf("%-12d %14.0f %14.1f %14.1f%n", batch, rowsPerSecond,
                        nanos[runs / 2] / 1e3, nanos[(int) (runs * 0.99)] / 1e3);
            }
        } finally {
            session.retire();
        }
        return throughput;
    }

    /**
     * Offers {@code count} vectors at {@code load}/s (0: all up front, before the scorer starts) and reads the
     * predictions back; prints served/s and event-time → served latency; returns served/s.
     */
    private double pipeline(String servers, ModelRelease release, List<FeatureVector> vectors, int load, long count,
                            boolean report) throws Exception {
        Topics topics = new Topics("bench-" + System.nanoTime() + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, partitions));
        }
        AvroCodec<FeatureVector> features = AvroCodec.of(FeatureVector.class, registry);
        AvroCodec<ModelRelease> releases = AvroCodec.of(ModelRelease.class, registry);
        AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class, registry);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ScorerOptions options = ScorerOptions.defaults(servers, MODEL).withTopicPrefix(topics.prefix())
                .withGroup("bench-" + topics.prefix(), "bench").withDevice(Device.CPU, threads)
                .withBatching(maxBatch, Duration.ofMillis(maxWaitMs));
        try (KafkaProducer<String, byte[]> producer = producer(servers);
             KafkaConsumer<String, byte[]> reader = reader(servers, topics.predictions())) {
            producer.send(new ProducerRecord<>(topics.models(), MODEL + "/1", releases.encode(release))).get();
            Scorer scorer = null;
            if (load == 0) {
                offer(producer, features, topics.features(), vectors, count, 0);
            }
            long[] latencies = new long[(int) count];
            long start;
            try {
                scorer = Scorer.start(options, registry, meters);
                awaitAssignment(scorer);
                start = System.nanoTime();
                if (load > 0) {
                    Thread writer = new Thread(() -> offer(producer, features, topics.features(), vectors, count, load), "bench-load");
                    writer.start();
                    writer.join();
                }
                int seen = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                long firstServed = Long.MAX_VALUE;
                long lastServed = 0;
                while (seen < count && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(100))) {
                        Prediction p = predictions.decode(record);
                        long served = p.getServedAt().toEpochMilli();
                        firstServed = Math.min(firstServed, served);
                        lastServed = Math.max(lastServed, served);
                        if (seen < latencies.length) {
                            latencies[seen] = served - p.getEventTime().toEpochMilli();
                        }
                        seen++;
                    }
                }
                double elapsed = load == 0 ? (System.nanoTime() - start) / 1e9 : Math.max(1, lastServed - firstServed) / 1e3;
                double served = seen / elapsed;
                Arrays.sort(latencies, 0, Math.min(seen, latencies.length));
                var batch = meters.get("factory.scoring.batch.size").summary();
                var inScorer = meters.get("factory.scoring.latency.in.scorer").timer();
                String offered = load == 0 ? "backlog " + count : String.valueOf(load);
                if (!report) {
                    return served;
                }
                System.out.printf("%-16s %12.0f %12s %12s %12.1f %12.1f%n", offered, served,
                        load == 0 ? "-" : String.valueOf(latencies[seen / 2]),
                        load == 0 ? "-" : String.valueOf(latencies[(int) (seen * 0.99)]),
                        batch.mean(), percentile(inScorer, 0.99));
                if (seen < count) {
                    System.out.printf("  (only %d of %d predictions within the time limit)%n", seen, count);
                }
                return served;
            } finally {
                if (scorer != null) {
                    scorer.close();
                }
            }
        }
    }

    /** Offered load starts once the scorer owns its partitions, so group start-up is not counted as latency. */
    private static void awaitAssignment(Scorer scorer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (scorer.assignment().isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static double percentile(io.micrometer.core.instrument.Timer timer, double p) {
        for (var value : timer.takeSnapshot().percentileValues()) {
            if (value.percentile() == p) {
                return value.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    /** Writes {@code count} vectors (cycling through {@code vectors}) at {@code perSecond}, or as fast as possible at 0. */
    private static void offer(KafkaProducer<String, byte[]> producer, AvroCodec<FeatureVector> codec, String topic,
                              List<FeatureVector> vectors, long count, int perSecond) {
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            if (perSecond > 0) {
                long due = start + i * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            FeatureVector template = vectors.get((int) (i % vectors.size()));
            FeatureVector vector = FeatureVector.newBuilder(template).setEventId("e" + i).setEventTime(Instant.now()).build();
            producer.send(new ProducerRecord<>(topic, vector.getEventId(), codec.encode(vector)));
        }
        producer.flush();
    }

    private List<FeatureVector> vectors(int count) {
        SplittableRandom random = new SplittableRandom(7);
        List<FeatureVector> vectors = new ArrayList<>(count);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            List<Float> d = new ArrayList<>(dense);
            for (int j = 0; j < dense; j++) {
                d.add((float) random.nextGaussian());
            }
            List<Integer> s = new ArrayList<>(sparse);
            for (int j = 0; j < sparse; j++) {
                s.add(random.nextInt(buckets));
            }
            vectors.add(FeatureVector.newBuilder().setEventId("v" + i).setEventTime(now).setEntity(null).setDense(d).setSparse(s)
                    .setSparseBuckets(buckets).setSpecName(SPEC).setSpecVersion(1).setLate(false).setPreparedAt(now).build());
        }
        return vectors;
    }

    private ModelRelease release(byte[] onnx) {
        Instant now = Instant.now();
        return ModelRelease.newBuilder().setModelName(MODEL).setVersion(1).setParentVersion(null).setStatus(ReleaseStatus.CHAMPION)
                .setStatusReason("benchmark").setModelKind("logistic").setOnnx(ByteBuffer.wrap(onnx)).setSpecName(SPEC)
                .setSpecVersion(1).setDenseSize(dense).setSparseBuckets(buckets).setCreatedAt(now).setExamplesTrained(0)
                .setTrainedThroughEventTime(now).build();
    }

    private static KafkaProducer<String, byte[]> producer(String servers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MODELS_MAX_MESSAGE_BYTES);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> reader(String servers, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
