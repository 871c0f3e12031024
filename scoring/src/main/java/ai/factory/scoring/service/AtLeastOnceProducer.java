package ai.factory.scoring.service;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At least once: outputs go out at once through an idempotent producer; offsets are committed by the consumer once
 * the outputs before them are acknowledged. Outputs sent since the last commit may be sent again after a failure or a
 * crash.
 */
public final class AtLeastOnceProducer implements ScoringProducer {

    private static final Logger log = LoggerFactory.getLogger(AtLeastOnceProducer.class);

    private final Producer<String, byte[]> producer;
    private final Consumer<?, ?> consumer;

    /** @param consumer the features consumer, whose offsets this commits */
    public AtLeastOnceProducer(Producer<String, byte[]> producer, Consumer<?, ?> consumer) {
        this.producer = producer;
        this.consumer = consumer;
    }

    @Override
    public boolean commitsAllPartitionsTogether() {
        return false;
    }

    @Override
    public void send(ProducerRecord<String, byte[]> record, Callback callback) {
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            callback.onCompletion(null, e);
        }
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return true;
        }
        try {
            consumer.commitSync(offsets);
            return true;
        } catch (WakeupException e) {
            // stop() raced with the commit: commit once more while shutting down.
            consumer.commitSync(offsets);
            throw e;
        } catch (KafkaException e) {
            log.warn("Committing offsets failed ({}); the records since the last commit may be scored again", e.getMessage());
            return false;
        }
    }

    @Override
    public void abandon() {
        // What is in flight cannot be taken back; wait for it, so that its failures do not count against the retry.
        producer.flush();
    }

    @Override
    public void recover() {
        // The producer stays usable after a failed send.
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    @Override
    public void halt() {
        producer.close(Duration.ZERO);
    }
}
