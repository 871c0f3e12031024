package ai.factory.scoring.service;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once: the outputs since the last commit and the consumed offsets they answer commit in one Kafka
 * transaction ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a zombie of an older
 * generation is fenced by the group, KIP-447). A failure aborts the transaction; when even the abort fails (a fenced
 * or fatally failed producer, a commit whose outcome is unknown) the producer is dropped and a new one with the same
 * transactional id takes over: its {@code initTransactions} completes or aborts whatever the old one left open.
 */
public final class ExactlyOnceProducer implements ScoringProducer {

    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceProducer.class);

    private final Supplier<Producer<String, byte[]>> producers;
    private final Consumer<?, ?> consumer;
    private Producer<String, byte[]> producer;
    private boolean inTransaction;

    /**
     * @param producers makes a transactional producer (the same transactional id each time); the first is made by
     *                  {@link #recover()}, before the first send
     * @param consumer  the features consumer, whose offsets go into each transaction
     */
    public ExactlyOnceProducer(Supplier<Producer<String, byte[]>> producers, Consumer<?, ?> consumer) {
        this.producers = producers;
        this.consumer = consumer;
    }

    @Override
    public boolean commitsAllPartitionsTogether() {
        return true;
    }

    @Override
    public void send(ProducerRecord<String, byte[]> record, Callback callback) {
        try {
            if (producer == null) {
                throw new IllegalStateException("no transactional producer (recover first)");
            }
            if (!inTransaction) {
                producer.beginTransaction();
                inTransaction = true;
            }
            producer.send(record, callback);
        } catch (RuntimeException e) {
            callback.onCompletion(null, e);
        }
    }

    @Override
    public void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    @Override
    public boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!inTransaction) {
            if (!offsets.isEmpty()) {
                throw new IllegalStateException("offsets to commit without a transaction: " + offsets.keySet());
            }
            return true;
        }
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        }
        producer.commitTransaction();
        inTransaction = false;
        return true;
    }

    @Override
    public void abandon() {
        if (producer == null) {
            return;
        }
        boolean open = inTransaction;
        inTransaction = false;
        try {
            if (open) {
                producer.abortTransaction();
            }
        } catch (RuntimeException e) {
            log.info("Aborting the transaction failed ({}); a new producer with the same transactional id will abort it",
                    e.toString());
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void recover() {
        if (producer != null) {
            return;
        }
        Producer<String, byte[]> fresh = producers.get();
        try {
            fresh.initTransactions();
        } catch (RuntimeException e) {
            fresh.close(Duration.ZERO);
            throw e;
        }
        producer = fresh;
    }

    @Override
    public void close() {
        if (producer == null) {
            return;
        }
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (RuntimeException e) {
            log.warn("Aborting the open transaction at close failed: {}", e.toString());
        } finally {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
    }

    @Override
    public void halt() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }
}
