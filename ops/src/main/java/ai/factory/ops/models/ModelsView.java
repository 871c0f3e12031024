package ai.factory.ops.models;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.kafka.PositionReader;
import ai.factory.ops.kafka.TopicTail;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.release.LedgerDecision;
import ai.factory.release.ReleaseRefusedException;
import ai.factory.release.Transition;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.UndecodableRecordException;
import ai.factory.topics.TopicCatalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code models} topic into a {@link ModelBook} and performs the two operator actions the
 * {@link ai.factory.release.ReleaseLedger} allows: promote and roll back, writing the records it decides. ONNX bytes are not kept in memory; an action re-reads its record.
 */
public final class ModelsView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelsView.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConnection connection;
    private final TopicTail tail;
    private final AvroCodec<ModelRelease> codec;
    private final ModelBook book = new ModelBook();
    private final Object writeLock = new Object();
    private KafkaProducer<String, byte[]> producer;
    private PositionReader reader;
    private long unreadable;

    public ModelsView(KafkaConnection connection, String modelsTopic, SchemaRegistry registry) {
        this.connection = connection;
        this.tail = new TopicTail(connection, modelsTopic, 0, TopicCatalog.MODELS_MAX_MESSAGE_BYTES);
        this.codec = AvroCodec.of(ModelRelease.class, registry);
    }

    public ModelBook book() {
        return book;
    }

    /** Records that could not be decoded so far (skipped and logged). */
    public synchronized long unreadable() {
        return unreadable;
    }

    /** Reads what arrived on the topic since the last call. */
    public synchronized void refresh(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> record : tail.poll(wait, 10_000)) {
            if (!apply(book, codec, record)) {
                unreadable++;
            }
        }
    }

    /**
     * Applies one record of the models topic to {@code book}: a release, or a tombstone. False (and a warning logged)
     * when the record could not be decoded; it is skipped.
     */
    public static boolean apply(ModelBook book, AvroCodec<ModelRelease> codec, ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            if (key != null) {
                book.apply(key, null);
            }
            return true;
        }
        try {
            ModelRelease release = codec.decode(record);
            ModelVersionView view = ModelVersionView.of(release, record.partition(), record.offset(), record.timestamp());
            book.apply(key != null ? key : view.key(), view);
            return true;
        } catch (UndecodableRecordException e) {
            log.warn("Skipping unreadable model release: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Makes {@code name/version} the champion of its spec, retiring the champion it replaces; returns the promoted
     * release. Refused ({@link ReleaseRefusedException}) by the ledger's guards, with the message the CLI shows too.
     */
    public ModelVersionView promote(String name, long version, String reason) {
        synchronized (writeLock) {
            LedgerDecision decision = book.promote(name, version, ReleaseActor.OPERATOR, reason);
            List<ModelVersionView> written = write(decision);
            return written.get(0);
        }
    }

    /**
     * Republishes the champion of {@code name} as ROLLED_BACK, so the previous champion serves again; returns the
     * rolled-back release. Refused by the ledger when no earlier champion would take over.
     */
    public ModelVersionView rollback(String name, String reason) {
        synchronized (writeLock) {
            return write(book.rollback(name, ReleaseActor.OPERATOR, reason)).get(0);
        }
    }

    /**
     * Re-records the champion of {@code name} as resumed, which tells a trainer held after an operator's move to
     * publish again; serving does not change. Refused by the ledger without a champion.
     */
    public ModelVersionView resume(String name, String reason) {
        synchronized (writeLock) {
            return write(book.resume(name, ReleaseActor.OPERATOR, reason)).get(0);
        }
    }

    /** Publishes a decision's records in order, each the release's latest record with the new status. */
    private List<ModelVersionView> write(LedgerDecision decision) {
        List<ModelVersionView> written = new ArrayList<>();
        for (Transition transition : decision.transitions()) {
            ModelVersionView view = book.version(transition.model(), transition.version())
                    .orElseThrow(() -> new ModelActionException("no release " + transition.key()));
            written.add(publish(view, transition));
        }
        return written;
    }

    private ModelVersionView publish(ModelVersionView view, Transition transition) {
        byte[] bytes = readerAt(view);
        ModelRelease release = transition.applyTo(
                codec.decode(new RecordSource(tail.topic(), view.partition(), view.offset()), bytes));
        String key = view.key();
        try {
            var metadata = producer().send(new ProducerRecord<>(tail.topic(), key, codec.encode(release)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ModelVersionView updated = ModelVersionView.of(release, metadata.partition(), metadata.offset(),
                    metadata.hasTimestamp() ? metadata.timestamp() : System.currentTimeMillis());
            book.apply(key, updated);
            log.info("Published {}", transition);
            return book.version(updated.name(), updated.version()).orElse(updated);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot publish " + key + ": " + e.getMessage(), e);
        }
    }

    private byte[] readerAt(ModelVersionView view) {
        if (reader == null) {
            reader = new PositionReader(connection, TopicCatalog.MODELS_MAX_MESSAGE_BYTES);
        }
        byte[] bytes = tail.readAt(reader, view.partition(), view.offset(), TIMEOUT);
        if (bytes == null) {
            throw new ModelActionException("release " + view.key() + " is no longer at offset " + view.offset()
                    + "; refresh and try again");
        }
        return bytes;
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig(connection), new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** The settings of the producer of promotions and roll backs: the connection's, then an idempotent producer's. */
    public static Map<String, Object> producerConfig(KafkaConnection connection) {
        Map<String, Object> props = new HashMap<>(TopicCatalog.MODELS_PRODUCER_LIMITS);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "factory-ops-models");
        return connection.clientConfig(props);
    }


    @Override
    public void close() {
        synchronized (writeLock) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (reader != null) {
                reader.close();
            }
        }
        synchronized (this) {
            tail.close();
        }
    }

    /** Each model's champion, lineage and latest decisions (see {@link ModelBook#overviews()}): bounded. */
    public List<ModelOverview> overviews() {
        return book.overviews();
    }

    /** A page of every release of {@code name}, newest first (see {@link ModelBook#page}). */
    public ModelPage page(String name, int page, int size) {
        return book.page(name, page, size);
    }

    /** The newest versions of each model plus its champion (see {@link ModelBook#listing()}): bounded. */
    public ModelListing listing() {
        return book.listing();
    }
}
