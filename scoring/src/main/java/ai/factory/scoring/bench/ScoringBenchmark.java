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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import ai.factory.bench.KafkaRates;
import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.factory.options.DurationConverter;
import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.records.Prediction;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.Delivery;
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
import picocli.CommandLine.Option;

/**
 * Throughput and latency of the scoring pipeline (features topic → scorer → predictions topic) at several offered
 * loads and on a backlog, next to a plain Kafka consumer+producer copying the same feature records and to direct
 * ONNX Runtime batch scoring of the same model at the same batch sizes, measured in the same run so the overhead of
 * the pipeline comes out as ratios. Run it as {@code factory bench scoring}.
 */
public final class ScoringBenchmark {

    public static final String NAME = "scoring";
    private static final String MODEL = "bench";
    private static final String SPEC = "bench-spec";

    /** Sizes and settings of a run; a picocli mixin, so every command running this benchmark offers the same options. */
    public static final class Settings {
        @Option(names = "--loads", paramLabel = "N", split = ",", defaultValue = "2000,10000,25000", description = "Offered loads, vectors/s (default: ${DEFAULT-VALUE}).")
        int[] loads;

        @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "5", description = "Seconds at each offered load (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--backlog", paramLabel = "N", defaultValue = "100000", description = "Vectors in the backlog run, pipeline at full speed (default: ${DEFAULT-VALUE}).")
        int backlog;

        @Option(names = "--warm-up", paramLabel = "N", defaultValue = "20000", description = "Vectors of the unreported warm-up run (default: ${DEFAULT-VALUE}).")
        int warmUp;

        @Option(names = "--batch-sizes", paramLabel = "N", split = ",", defaultValue = "1,16,64,256", description = "Batch sizes of direct ORT scoring (default: ${DEFAULT-VALUE}).")
        int[] batchSizes;

        @Option(names = "--max-batch", paramLabel = "N", defaultValue = "" + ScorerOptions.DEFAULT_MAX_BATCH, description = "The scorer's max batch size (default: ${DEFAULT-VALUE}).")
        int maxBatch;

        @Option(names = "--max-wait", defaultValue = ScorerOptions.DEFAULT_MAX_WAIT_TEXT, paramLabel = "DURATION",
                converter = DurationConverter.class, description = "The scorer's max wait (default: ${DEFAULT-VALUE}).")
        Duration maxWait;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "ORT intra-op threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--dense", paramLabel = "N", defaultValue = "8", description = "Dense features (default: ${DEFAULT-VALUE}).")
        int dense;

        @Option(names = "--sparse", paramLabel = "N", defaultValue = "10", description = "Sparse ids per vector (default: ${DEFAULT-VALUE}).")
        int sparse;

        @Option(names = "--buckets", paramLabel = "N", defaultValue = "262144", description = "Hash buckets (default: ${DEFAULT-VALUE}).")
        int buckets;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "3", description = "Partitions of the features topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--delivery-load", paramLabel = "N", defaultValue = "10000",
                description = "Offered load, vectors/s, at which exactly-once is compared with at-least-once (default: ${DEFAULT-VALUE}).")
        int deliveryLoad;

        @Option(names = "--commit-interval", defaultValue = ScorerOptions.DEFAULT_COMMIT_INTERVAL_TEXT, paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "The scorer's commit interval, with exactly-once the length of a transaction (default: ${DEFAULT-VALUE}).")
        Duration commitInterval;

        /** Small sizes, for a test: no warm-up, direct scoring at the max batch only, a backlog of 5,000, one load for one second. */
        public Settings quick() {
            loads = new int[] {2000};
            seconds = 1;
            backlog = 5_000;
            warmUp = 0;
            batchSizes = new int[] {maxBatch};
            deliveryLoad = 2000;
            return this;
        }
    }

    private final Settings settings;
    private final SchemaRegistry registry = new InMemorySchemaRegistry();

    public ScoringBenchmark(Settings settings) {
        this.settings = settings;
    }

    /** Runs on {@code kafka}, on fresh topics named after {@code topicPrefix} (the factory's {@code --prefix}, empty for none). */
    public BenchResult run(KafkaConnection kafka, String topicPrefix) throws Exception {
        Settings s = settings;
        LogisticGraph.Weights weights = LogisticGraph.Weights.random(s.dense, s.buckets, 42);
        ModelRelease release = release(LogisticGraph.onnx(weights, s.sparse));
        List<FeatureVector> vectors = vectors(Math.max(s.backlog, 20_000));
        BenchResult.Builder result = BenchResult.builder(NAME, "predictions/s of the scorer (features topic → predictions "
                        + "topic) on a backlog, next to a plain consumer+producer copying the same feature records and to "
                        + "direct ONNX Runtime scoring; served/s and latency at offered loads")
                .setting("model", "logistic, dense " + s.dense + ", sparse " + s.sparse + ", buckets " + s.buckets)
                .setting("ORT threads", s.threads).setting("scorer max batch", s.maxBatch)
                .setting("scorer max wait ms", s.maxWait.toMillis()).setting("backlog", s.backlog)
                .setting("seconds per load", s.seconds).setting("partitions", s.partitions)
                .setting("commit interval ms", s.commitInterval.toMillis())
                .setting("delivery", "at-least-once, except the runs named exactly-once")
                .setting("shadow scoring", "off");

        Map<Integer, Double> direct = directScoring(release, vectors, result);
        // An unreported run first warms up the JIT, the clients and the broker.
        if (s.warmUp > 0) {
            pipeline(kafka, topicPrefix, release, vectors.subList(0, s.warmUp), 0, s.warmUp, false, Delivery.AT_LEAST_ONCE);
        }
        Run drained = pipeline(kafka, topicPrefix, release, vectors.subList(0, s.backlog), 0, s.backlog, true, Delivery.AT_LEAST_ONCE);
        double best = direct.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        double atMax = direct.getOrDefault(s.maxBatch, best);
        result.figure(Figure.against("pipeline on a backlog", drained.served(), "predictions/s",
                        "raw Kafka consume+produce", drained.copied()).withTarget(Target.atLeast(0.8)))
                .figure(Figure.against("pipeline on a backlog (vs ORT)", drained.served(), "predictions/s",
                        "direct ORT at batch " + s.maxBatch, atMax))
                .figure(Figure.of("mean batch on a backlog", drained.meanBatch(), "rows"));
        drained.note(result);
        Map<Integer, Run> atLeastOnce = new HashMap<>();
        for (int load : s.loads) {
            Run r = pipeline(kafka, topicPrefix, release, vectors, load, (long) load * s.seconds, true, Delivery.AT_LEAST_ONCE);
            atLeastOnce.put(load, r);
            String at = " at " + load + "/s";
            result.figure(Figure.against("served" + at, r.served(), "predictions/s", "offered load", load))
                    .figure(Figure.of("latency p50" + at, r.p50Ms(), "ms"))
                    .figure(Figure.of("latency p99" + at, r.p99Ms(), "ms"))
                    .figure(Figure.of("in-scorer p99" + at, r.inScorerP99Ms(), "ms"))
                    .figure(Figure.of("mean batch" + at, r.meanBatch(), "rows"));
            r.note(result);
        }
        exactlyOnceCost(kafka, topicPrefix, release, vectors, atLeastOnce, result);
        return result.note("latency: event time (stamped when offered) to served time, both by this JVM's clock; "
                        + "in-scorer: the scorer's own timer, from a vector being polled to its prediction being written")
                .note("raw Kafka consume+produce: one plain consumer and producer copy the backlog's feature records to "
                        + "another topic, twice (the better counts), just before the scorer reads the same records")
                .build();
    }

    /**
     * The same backlog and the same offered load with exactly-once scoring (transactions, read back with read_committed)
     * as ratios to at-least-once; latency from the event to a read_committed subscriber holding the prediction.
     */
    private void exactlyOnceCost(KafkaConnection kafka, String topicPrefix, ModelRelease release, List<FeatureVector> vectors,
                                 Map<Integer, Run> atLeastOnce, BenchResult.Builder result) throws Exception {
        Settings s = settings;
        int load = s.deliveryLoad;
        long count = (long) load * s.seconds;
        Run alo = atLeastOnce.containsKey(load) ? atLeastOnce.get(load)
                : pipeline(kafka, topicPrefix, release, vectors, load, count, true, Delivery.AT_LEAST_ONCE);
        Run eos = pipeline(kafka, topicPrefix, release, vectors, load, count, true, Delivery.EXACTLY_ONCE);
        // The two backlogs back to back, so that neither has a warmer JVM or broker than the other.
        Run aloDrained = pipeline(kafka, topicPrefix, release, vectors.subList(0, s.backlog), 0, s.backlog, true, Delivery.AT_LEAST_ONCE);
        Run eosDrained = pipeline(kafka, topicPrefix, release, vectors.subList(0, s.backlog), 0, s.backlog, true, Delivery.EXACTLY_ONCE);
        String at = " at " + load + "/s";
        result.figure(Figure.against("exactly-once on a backlog", eosDrained.served(), "predictions/s",
                        "at-least-once on a backlog", aloDrained.served()))
                .figure(Figure.against("exactly-once served" + at, eos.served(), "predictions/s", "at-least-once", alo.served()))
                .figure(Figure.against("exactly-once end-to-end p50" + at, eos.visibleP50Ms(), "ms", "at-least-once", alo.visibleP50Ms()))
                .figure(Figure.against("exactly-once end-to-end p99" + at, eos.visibleP99Ms(), "ms", "at-least-once", alo.visibleP99Ms()));
        eos.note(result);
        eosDrained.note(result);
        result.note("end-to-end: event time (stamped when offered) to a read_committed subscriber polling the prediction; "
                + "with exactly-once a prediction is visible once its transaction commits, every commit interval");
    }

    /** Direct ORT scoring of the same vectors in batches, inputs prepared before timing; rows/s by batch size. */
    private Map<Integer, Double> directScoring(ModelRelease release, List<FeatureVector> vectors, BenchResult.Builder result)
            throws Exception {
        Settings s = settings;
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.CPU, s.threads, false));
        ModelSession session = new ReleaseLoader(sessions, Arrays.stream(s.batchSizes).max().orElse(1)).load(release, Optional.empty());
        Map<Integer, Double> throughput = new HashMap<>();
        try {
            for (int batch : s.batchSizes) {
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
                result.figure(Figure.of("direct ORT, batch " + batch, rowsPerSecond, "rows/s"))
                        .figure(Figure.of("direct ORT, batch " + batch + ", p50 per call", nanos[runs / 2] / 1e3, "µs"))
                        .figure(Figure.of("direct ORT, batch " + batch + ", p99 per call", nanos[(int) (runs * 0.99)] / 1e3, "µs"));
            }
        } finally {
            session.retire();
        }
        return throughput;
    }

    /**
     * One pipeline run.
     *
     * @param copied raw consume+produce records/s of the same feature records (backlog runs), else NaN
     */
    private record Run(String offered, long count, int seen, double served, double p50Ms, double p99Ms, double meanBatch,
                       double inScorerP99Ms, double copied, double visibleP50Ms, double visibleP99Ms) {
        void note(BenchResult.Builder result) {
            if (seen < count) {
                result.note(offered + ": only " + seen + " of " + count + " predictions within the time limit");
            }
        }
    }

    /**
     * Offers {@code count} vectors at {@code load}/s (0: all up front, before the scorer starts, then copied once
     * with plain clients for the baseline) and reads the predictions back; served/s and event-time → served latency.
     */
    private Run pipeline(KafkaConnection kafka, String topicPrefix, ModelRelease release, List<FeatureVector> vectors, int load, long count,
                         boolean report, Delivery delivery) throws Exception {
        Settings s = settings;
        Topics topics = new Topics(topicPrefix + "bench-" + System.nanoTime() + ".");
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, s.partitions));
        }
        AvroCodec<FeatureVector> features = AvroCodec.of(FeatureVector.class, registry);
        AvroCodec<ModelRelease> releases = AvroCodec.of(ModelRelease.class, registry);
        AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class, registry);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ScorerOptions options = ScorerOptions.defaults(kafka, MODEL).withTopicPrefix(topics.prefix())
                .withGroup("bench-" + topics.prefix(), "bench").withDevice(Device.CPU, s.threads)
                .withBatching(s.maxBatch, s.maxWait).withCommitInterval(s.commitInterval).withDelivery(delivery)
                // Off, so the figures stay comparable with runs from before shadow scoring was on by default (the
                // bench publishes no candidate, so there would be nothing to shadow-score anyway).
                .withShadow(false);
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
             KafkaConsumer<String, byte[]> reader = reader(kafka, topics.predictions())) {
            producer.send(new ProducerRecord<>(topics.models(), MODEL + "/1", releases.encode(release))).get();
            Scorer scorer = null;
            double copied = Double.NaN;
            if (load == 0) {
                offer(producer, features, topics.features(), vectors, count, 0);
                if (report) {
                    copied = KafkaRates.bestCopy(kafka, topics.features(), topics.prefix() + "copy", count);
                }
            }
            long[] latencies = new long[(int) count];
            long[] visible = new long[(int) count];
            long start;
            try {
                scorer = Scorer.start(options, registry, meters);
                awaitAssignment(scorer);
                start = System.nanoTime();
                Thread writer = null;
                if (load > 0) {
                    // Read while the load is offered, so that the time to a subscriber is measured as it happens.
                    writer = new Thread(() -> offer(producer, features, topics.features(), vectors, count, load), "bench-load");
                    writer.start();
                }
                int seen = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                long firstServed = Long.MAX_VALUE;
                long lastServed = 0;
                while (seen < count && System.nanoTime() < deadline) {
                    var polled = reader.poll(Duration.ofMillis(100));
                    long readAt = System.currentTimeMillis();
                    for (ConsumerRecord<String, byte[]> record : polled) {
                        Prediction p = predictions.decode(record);
                        long served = p.getServedAt().toEpochMilli();
                        firstServed = Math.min(firstServed, served);
                        lastServed = Math.max(lastServed, served);
                        if (seen < latencies.length) {
                            latencies[seen] = served - p.getEventTime().toEpochMilli();
                            visible[seen] = readAt - p.getEventTime().toEpochMilli();
                        }
                        seen++;
                    }
                }
                if (writer != null) {
                    writer.join();
                }
                double elapsed = load == 0 ? (System.nanoTime() - start) / 1e9 : Math.max(1, lastServed - firstServed) / 1e3;
                int judged = Math.min(seen, latencies.length);
                Arrays.sort(latencies, 0, judged);
                Arrays.sort(visible, 0, judged);
                var batch = meters.get("factory.scoring.batch.size").summary();
                var inScorer = meters.get("factory.scoring.latency.in.scorer").timer();
                String offered = (load == 0 ? "backlog " + count : "offered " + load + "/s") + ", " + delivery.text();
                boolean timed = load > 0 && judged > 0;
                return new Run(offered, count, seen, seen / elapsed,
                        timed ? latencies[judged / 2] : Double.NaN, timed ? latencies[(int) (judged * 0.99)] : Double.NaN,
                        batch.mean(), percentile(inScorer, 0.99), copied,
                        timed ? visible[judged / 2] : Double.NaN, timed ? visible[(int) (judged * 0.99)] : Double.NaN);
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
        int dense = settings.dense;
        int sparse = settings.sparse;
        int buckets = settings.buckets;
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
        int dense = settings.dense;
        int buckets = settings.buckets;
        Instant now = Instant.now();
        return ModelRelease.newBuilder().setModelName(MODEL).setVersion(1).setParentVersion(null).setStatus(ReleaseStatus.CHAMPION)
                .setStatusReason("benchmark").setModelKind("logistic").setOnnx(ByteBuffer.wrap(onnx)).setSpecName(SPEC)
                .setSpecVersion(1).setDenseSize(dense).setSparseBuckets(buckets).setCreatedAt(now).setExamplesTrained(0)
                .setTrainedThroughEventTime(now).build();
    }

    private static KafkaProducer<String, byte[]> producer(KafkaConnection kafka) {
        Map<String, Object> props = kafka.clientConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MODELS_MAX_MESSAGE_BYTES));
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> reader(KafkaConnection kafka, String topic) {
        Map<String, Object> props = kafka.clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
