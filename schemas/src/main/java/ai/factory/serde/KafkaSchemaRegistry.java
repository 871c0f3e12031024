package ai.factory.serde;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicReader;
import ai.factory.topics.TopicSpec;
import ai.factory.kafka.KafkaConnection;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry kept in a compacted Kafka topic: key = fingerprint (hex), value = schema JSON.
 *
 * <p>Writers publish each schema once per process before its first record; readers that meet an
 * unknown fingerprint re-read the topic and retry. The cluster that carries the data carries
 * its schemas, so nothing else has to run.
 *
 * <p>Unknown fingerprints cost little: the topic is read at most once per {@code retryInterval} however many
 * unknown fingerprints arrive (a lookup in between answers "unknown" at once), one read at a time with the other
 * lookups waiting for it, and a fingerprint that a read begun after its lookup did not find is answered "unknown"
 * without reading for {@code missExpiry} (at most {@value #MISSES_KEPT} such fingerprints, least recently asked
 * dropped first). So a stream of junk with random fingerprints costs one read per interval, a repeated one one per
 * expiry. A schema registered later is found by the first read after the interval (or, for a fingerprint remembered
 * as missing, after the expiry); since writers register before their first record, a record whose schema was
 * registered within the last interval can be reported unknown only while junk keeps the reads busy.
 */
public final class KafkaSchemaRegistry implements SchemaRegistry {

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaRegistry.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** How often the topic may be read for unknown fingerprints, by default. */
    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    /** How long a fingerprint that a read did not find is answered "unknown" without reading, by default. */
    public static final Duration MISS_EXPIRY = Duration.ofSeconds(30);
    /** How many fingerprints found missing are remembered. */
    static final int MISSES_KEPT = 4096;

    private final String topic;
    private final Map<String, Object> clientConfig;
    private final long retryNanos;
    private final long missExpiryNanos;
    private final SchemaStore.Cache cache = new SchemaStore.Cache();
    private final Set<Long> known = ConcurrentHashMap.newKeySet();
    /** Fingerprints a read did not find, to when they expire; access-ordered, guarded by itself. */
    private final LinkedHashMap<Long, Long> misses = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > MISSES_KEPT;
        }
    };
    /** The read under way, if any: lookups that need one wait for it rather than start another. */
    private final AtomicReference<Read> reading = new AtomicReference<>();
    /** When the last read began (System.nanoTime), or null before the first. */
    private volatile Long lastReadStart;
    private final LongAdder reads = new LongAdder();

    /** One read of the topic: when it began and its outcome. */
    private record Read(long start, CompletableFuture<Void> done) {
    }

    /** Connects to the registry topic of {@code kafka}, creating the topic when it is missing. */
    public KafkaSchemaRegistry(KafkaConnection kafka, String topic) {
        this(kafka, topic, RETRY_INTERVAL, MISS_EXPIRY);
    }

    /**
     * Connects to the registry topic of {@code kafka}, creating the topic when it is missing.
     *
     * @param retryInterval the least time between two reads of the topic for unknown fingerprints
     * @param missExpiry how long a fingerprint a read did not find is answered "unknown" without reading
     */
    public KafkaSchemaRegistry(KafkaConnection kafka, String topic, Duration retryInterval, Duration missExpiry) {
        this.topic = topic;
        this.clientConfig = kafka.clientConfig();
        this.retryNanos = retryInterval.toNanos();
        this.missExpiryNanos = missExpiry.toNanos();
        try (Admin admin = Admin.create(clientConfig)) {
            TopicAdmin.ensure(admin, List.of(TopicSpec.schemas(topic)));
        }
    }

    /** Connects to the registry topic on a plaintext cluster without authentication (an embedded broker, tests). */
    public KafkaSchemaRegistry(String bootstrapServers, String topic) {
        this(KafkaConnection.of(bootstrapServers), topic);
    }

    @Override
    public synchronized void register(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        if (known.contains(fingerprint)) {
            return;
        }
        // A producer per registration, closed at once: a registry opened inside a Flink operator or a serializer
        // has no close hook, and a long-lived producer there outlived the job and the broker (a few schemas a process).
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, Long.toHexString(fingerprint), schema.toString()))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing schema " + schema.getFullName(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot publish schema " + schema.getFullName() + " to " + topic, e);
        }
        remember(fingerprint, schema);
    }

    /**
     * The schema of {@code fingerprint}, reading the topic when it is not known yet and a read is due; null when it
     * is unknown.
     *
     * @throws KafkaException when the topic cannot be read
     */
    @Override
    public Schema findByFingerprint(long fingerprint) {
        Schema schema = cache.findByFingerprint(fingerprint);
        if (schema != null) {
            return schema;
        }
        long asked = System.nanoTime();
        if (knownMissing(fingerprint, asked)) {
            return null;
        }
        Read read = readIfDue(asked);
        if (read == null) {
            return null;
        }
        schema = cache.findByFingerprint(fingerprint);
        if (schema == null && read.start() - asked >= 0) {
            // A read begun after the question did not find it: it is not there (a writer registers before writing).
            synchronized (misses) {
                misses.put(fingerprint, System.nanoTime() + missExpiryNanos);
            }
        }
        return schema;
    }

    /** How many times this registry has read its topic (a metric, and what tests count). */
    public long reads() {
        return reads.sum();
    }

    /** Nothing to release: every client this registry makes is closed before its call returns. */
    @Override
    public void close() {
    }

    private boolean knownMissing(long fingerprint, long now) {
        synchronized (misses) {
            Long expires = misses.get(fingerprint);
            if (expires == null) {
                return false;
            }
            if (expires - now > 0) {
                return true;
            }
            misses.remove(fingerprint);
            return false;
        }
    }

    /**
     * Joins the read under way, or starts one when the last began at least an interval ago; the read that was waited
     * for, or null when none is due. No lock is held while the topic is read.
     */
    private Read readIfDue(long now) {
        while (true) {
            Read current = reading.get();
            if (current != null) {
                await(current);
                return current;
            }
            Long last = lastReadStart;
            if (last != null && now - last < retryNanos) {
                return null;
            }
            Read mine = new Read(System.nanoTime(), new CompletableFuture<>());
            if (!reading.compareAndSet(null, mine)) {
                continue; // another lookup started one just now: wait for it instead
            }
            try {
                Long since = lastReadStart;
                if (since != null && mine.start() - since < retryNanos) {
                    // A read began and ended between our check and our start.
                    mine.done().complete(null);
                    return null;
                }
                lastReadStart = mine.start();
                reads.increment();
                reload();
                mine.done().complete(null);
                return mine;
            } catch (RuntimeException | Error e) {
                mine.done().completeExceptionally(e);
                throw e;
            } finally {
                reading.set(null);
            }
        }
    }

    /** Waits for another lookup's read, failing as it failed. */
    private static void await(Read read) {
        try {
            read.done().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KafkaException kafka) {
                throw kafka;
            }
            throw new KafkaException("reading the schema registry failed", cause);
        }
    }

    private void remember(long fingerprint, Schema schema) {
        cache.addSchema(schema);
        known.add(fingerprint);
        synchronized (misses) {
            misses.remove(fingerprint);
        }
    }

    /** Reads the whole registry topic up to its current end. */
    private void reload() {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicReader.readToEnd(consumer, topic, TIMEOUT, this::load);
        }
    }

    private void load(ConsumerRecord<String, String> record) {
        try {
            Schema schema = new Schema.Parser().parse(record.value());
            remember(SchemaNormalization.parsingFingerprint64(schema), schema);
        } catch (RuntimeException | StackOverflowError e) {
            // One bad schema (garbled, or nested deeper than the stack) must not keep the others from loading.
            log.warn("Skipping unreadable schema at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    AvroCodec.oneLine(e));
        }
    }

    private KafkaProducer<String, String> producer() {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
