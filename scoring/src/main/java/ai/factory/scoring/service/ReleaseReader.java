package ai.factory.scoring.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import ai.factory.records.ModelRelease;
import ai.factory.scoring.release.RecordPosition;
import ai.factory.scoring.release.ReleaseKey;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.UndecodableRecordException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one release back from the models topic by the position of its record, for a release whose graph the
 * {@link ai.factory.scoring.release.ReleaseBook} no longer holds. Compaction may have removed that record since
 * (a newer record of the key replaced it): then the record found there is another one, and the release is gone.
 * Not thread-safe: the models watcher's thread uses it.
 */
public final class ReleaseReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReleaseReader.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Consumer<String, byte[]> consumer;
    private final AvroCodec<ModelRelease> codec;
    private final Duration timeout;

    /**
     * @param consumer a consumer without a group, read_committed like the watcher's, with
     *                 {@code auto.offset.reset=none}; this reader assigns it one partition per read and owns it
     * @param timeout  how long one read may take before it gives up
     */
    public ReleaseReader(Consumer<String, byte[]> consumer, AvroCodec<ModelRelease> codec, Duration timeout) {
        this.consumer = consumer;
        this.codec = codec;
        this.timeout = timeout;
    }

    /**
     * The release {@code key} as its record at {@code at} holds it, graph included; empty (with a warning) when the
     * record there is no longer that release.
     *
     * @throws TimeoutException when the record could not be read within the timeout (try again later)
     */
    public Optional<ModelRelease> read(ReleaseKey key, RecordPosition at) {
        TopicPartition partition = at.partition();
        consumer.assign(List.of(partition));
        consumer.seek(partition, at.offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            do {
                List<ConsumerRecord<String, byte[]>> records;
                try {
                    records = consumer.poll(POLL).records(partition);
                } catch (OffsetOutOfRangeException e) {
                    return gone(key, at, "the offset is out of the partition's range");
                }
                if (!records.isEmpty()) {
                    return same(key, at, records.get(0));
                }
                if (consumer.position(partition) > at.offset()) {
                    // Passed over without a record to return: an aborted or control record now sits there.
                    return gone(key, at, "no committed record there");
                }
            } while (System.nanoTime() - deadline < 0);
        } finally {
            consumer.assign(List.of());
        }
        throw new TimeoutException("could not read release " + key + " back from " + at + " within " + timeout);
    }

    /** Interrupts a read in progress from another thread: it throws {@link org.apache.kafka.common.errors.WakeupException}. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }

    private Optional<ModelRelease> same(ReleaseKey key, RecordPosition at, ConsumerRecord<String, byte[]> record) {
        if (record.offset() != at.offset()) {
            return gone(key, at, "compacted away; the next record is at offset " + record.offset());
        }
        if (!key.equals(keyOf(record)) || record.value() == null) {
            return gone(key, at, "the record there is " + (record.value() == null ? "a tombstone of " : "") + record.key());
        }
        ModelRelease release;
        try {
            release = codec.decode(record);
        } catch (UndecodableRecordException e) {
            return gone(key, at, "unreadable: " + e.getMessage());
        }
        if (!release.getModelName().equals(key.modelName()) || release.getVersion() != key.version()) {
            return gone(key, at, "its value names " + release.getModelName() + "/" + release.getVersion());
        }
        return Optional.of(release);
    }

    private static ReleaseKey keyOf(ConsumerRecord<String, byte[]> record) {
        try {
            return ReleaseKey.parse(record.key());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<ModelRelease> gone(ReleaseKey key, RecordPosition at, String why) {
        log.warn("Release {} is no longer at {} of the models topic ({}); it is skipped", key, at, why);
        return Optional.empty();
    }
}
