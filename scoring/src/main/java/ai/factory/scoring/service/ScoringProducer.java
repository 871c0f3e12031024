package ai.factory.scoring.service;

import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes the scoring loop's outputs and commits the consumed offsets they answer, as one delivery mode promises:
 * {@link AtLeastOnceProducer} or {@link ExactlyOnceProducer}. Owned by the scoring thread.
 */
public interface ScoringProducer {

    /**
     * Whether one commit covers the outputs of every partition (a transaction), so that outputs of a partition lost
     * to another member can only be given up with all the others.
     */
    boolean commitsAllPartitionsTogether();

    /** Sends {@code record}; a failure, whether the send throws or the broker refuses it, reaches {@code callback}. */
    void send(ProducerRecord<String, byte[]> record, Callback callback);

    /** Waits until everything sent so far is acknowledged or has failed (to its callback). */
    void flush();

    /**
     * Commits {@code offsets} of the features consumer's group, after {@link #flush()} found no failure.
     *
     * @return whether they were committed; false when an at-least-once commit failed and will simply be tried again
     * @throws RuntimeException when the outputs since the last commit cannot be made durable: abandon them
     */
    boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets);

    /** Gives up the outputs since the last commit, so that their records can be read and scored again. */
    void abandon();

    /**
     * Makes the producer ready to send after {@link #abandon()} (and before the first send).
     *
     * @throws RuntimeException when Kafka does not answer in time: try again later
     */
    void recover();

    /** Closes after the last commit; outputs not committed are given up. */
    void close();

    /** Closes at once, as a crash would: no commit, no abort. */
    void halt();
}
