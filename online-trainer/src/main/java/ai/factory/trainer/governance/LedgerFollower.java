package ai.factory.trainer.governance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.records.PairedQuality;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.release.ReleaseSpec;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.UndecodableRecordException;
import ai.factory.topics.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's view of the release ledger and of the online evidence: follows the {@code models} topic (read whole at
 * start, then as it grows) into a {@link ReleaseLedger}, and the paired quality reports of one model from the time it
 * starts (each report is cumulative, so the newest says everything). Keeps the records, graphs included, only of what
 * a decision may need: the few latest champions of the trainer's spec and the newest candidates.
 *
 * <p>Committed records only; non-blocking after the first read. Not thread-safe (the trainer's task thread).
 */
public final class LedgerFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerFollower.class);
    /** Champions kept with their graphs: the current one, and the ones successive rollbacks restore. */
    static final int CHAMPIONS_KEPT = 3;
    /**
     * Candidates kept with their graphs: the newest, one of which the scorers shadow. Paired evidence comes a label
     * delay after the shadow scored, when a fast stream may have brought several newer candidates; older ones are
     * left undecided (the trainer judges the newest first). Eight logistic flights releases are about 8 MB.
     */
    static final int CANDIDATES_KEPT = 8;

    private final String model;
    private final ReleaseSpec spec;
    private final String modelsTopic;
    private final KafkaConsumer<String, byte[]> models;
    private final KafkaConsumer<String, byte[]> paired;
    private final AvroCodec<ModelRelease> releases;
    private final AvroCodec<PairedQuality> reports;
    private final ReleaseLedger ledger = new ReleaseLedger();
    private final TreeMap<Long, ModelRelease> kept = new TreeMap<>();
    /**
     * Records this trainer wrote and has not read back yet, by key. Until the last of them is read back, a key keeps
     * its provisional state: an earlier record of the key read meanwhile (the candidate record of a release since
     * promoted) must not undo a later decision.
     */
    private final Map<String, Integer> unread = new java.util.HashMap<>();
    /** Sequences for records written but not yet read back: above any offset, in the order written. */
    private long provisional = Long.MAX_VALUE / 2;

    private LedgerFollower(String model, ReleaseSpec spec, String modelsTopic, KafkaConsumer<String, byte[]> models,
                           KafkaConsumer<String, byte[]> paired, SchemaRegistry registry) {
        this.model = model;
        this.spec = spec;
        this.modelsTopic = modelsTopic;
        this.models = models;
        this.paired = paired;
        this.releases = AvroCodec.of(ModelRelease.class, registry);
        this.reports = AvroCodec.of(PairedQuality.class, registry);
    }

    /**
     * Reads {@code modelsTopic} to its end and starts following it and {@code pairedTopic} (from its end).
     *
     * @throws org.apache.kafka.common.KafkaException when the models topic cannot be read within {@code timeout}
     */
    public static LedgerFollower open(KafkaConnection kafka, SchemaRegistry registry, String model, ReleaseSpec spec,
                                      String modelsTopic, String pairedTopic, Duration timeout) {
        Map<String, Object> config = kafka.clientConfig(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024));
        KafkaConsumer<String, byte[]> models = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaConsumer<String, byte[]> paired = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        LedgerFollower follower = new LedgerFollower(model, spec, modelsTopic, models, paired, registry);
        try {
            TopicReader.readToEnd(models, modelsTopic, timeout, follower::apply);
            follower.prune();
            List<TopicPartition> partitions = paired.partitionsFor(pairedTopic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                LOG.warn("{} does not exist: no online evidence reaches the trainer (create the topics with `factory topics create`)",
                        pairedTopic);
            }
            paired.assign(partitions);
            paired.seekToEnd(partitions);
            return follower;
        } catch (RuntimeException e) {
            follower.close();
            throw e;
        }
    }

    /** Takes what arrived on both topics without waiting; returns the new paired reports of the model. */
    public List<PairedQuality> poll() {
        models.poll(Duration.ZERO).forEach(this::apply);
        prune();
        List<PairedQuality> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : paired.poll(Duration.ZERO)) {
            if (record.value() == null) {
                continue;
            }
            try {
                PairedQuality report = reports.decode(record);
                if (report.getModelName().equals(model)) {
                    out.add(report);
                }
            } catch (UndecodableRecordException e) {
                LOG.warn("Skipping an undecodable paired quality report (offset {}): {}", record.offset(), e.getMessage());
            }
        }
        return out;
    }

    /** Applies a record this trainer wrote before it is read back, so decisions see it at once. */
    public void applyWritten(ModelRelease release) {
        String key = ReleaseLedger.key(release.getModelName(), release.getVersion());
        unread.merge(key, 1, Integer::sum);
        apply(key, release, provisional++);
        prune();
    }

    public ReleaseLedger ledger() {
        return ledger;
    }

    /** The latest record of {@code version}, graph included, when it is one of the releases kept. */
    public Optional<ModelRelease> release(long version) {
        return Optional.ofNullable(kept.get(version));
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            ledger.apply(record.key(), null, record.offset());
            return;
        }
        ModelRelease release;
        try {
            release = releases.decode(record);
        } catch (UndecodableRecordException e) {
            LOG.warn("Skipping an undecodable record on {} (key {}): {}", modelsTopic, record.key(), e.getMessage());
            return;
        }
        String key = record.key() != null ? record.key() : ReleaseLedger.key(release.getModelName(), release.getVersion());
        Integer pending = unread.get(key);
        if (pending != null) {
            // One of this trainer's own records read back; only the last one takes its real place.
            if (pending > 1) {
                unread.put(key, pending - 1);
                return;
            }
            unread.remove(key);
        }
        apply(key, release, record.offset());
    }

    private void apply(String key, ModelRelease release, long sequence) {
        ledger.apply(key, ReleaseFacts.of(release), sequence);
        if (release.getModelName().equals(model) && (release.getStatus() == ReleaseStatus.CHAMPION
                || release.getStatus() == ReleaseStatus.CANDIDATE)) {
            kept.put(release.getVersion(), release);
        } else if (release.getModelName().equals(model)) {
            kept.remove(release.getVersion());
        }
    }

    /** Drops the graphs no decision can need: keeps the latest champions and the newest candidates of the spec. */
    private void prune() {
        Set<Long> keep = new HashSet<>();
        int champions = 0;
        for (ReleaseFacts c : ledger.championsLatestFirst(model, spec)) {
            if (champions++ == CHAMPIONS_KEPT) {
                break;
            }
            keep.add(c.version());
        }
        int candidates = 0;
        for (Long version : kept.descendingKeySet()) {
            ReleaseFacts facts = ledger.release(model, version).orElse(null);
            if (facts != null && facts.status() == ReleaseStatus.CANDIDATE && facts.spec().equals(spec)
                    && candidates++ < CANDIDATES_KEPT) {
                keep.add(version);
            }
        }
        kept.keySet().retainAll(keep);
    }

    /** How many releases are kept with their graphs (bounded by the champions and candidates kept). */
    int keptCount() {
        return kept.size();
    }

    @Override
    public void close() {
        models.close(Duration.ofSeconds(5));
        paired.close(Duration.ofSeconds(5));
    }
}
