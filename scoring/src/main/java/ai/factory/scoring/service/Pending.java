package ai.factory.scoring.service;

import ai.factory.records.FeatureVector;
import ai.factory.scoring.release.SpecKey;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One polled features record on its way to a prediction or to the dead-letter topic.
 *
 * @param vector        the decoded vector, or null when the bytes could not be read
 * @param problem       why it could not be read (null when readable)
 * @param polledAtNanos {@link System#nanoTime()} when it was polled
 */
record Pending(ConsumerRecord<String, byte[]> record, FeatureVector vector, Problem problem, long polledAtNanos) {

    static Pending readable(ConsumerRecord<String, byte[]> record, FeatureVector vector, long polledAtNanos) {
        return new Pending(record, vector, null, polledAtNanos);
    }

    static Pending unreadable(ConsumerRecord<String, byte[]> record, Problem problem, long polledAtNanos) {
        return new Pending(record, null, problem, polledAtNanos);
    }

    boolean isReadable() {
        return vector != null;
    }

    SpecKey spec() {
        return new SpecKey(vector.getSpecName(), vector.getSpecVersion());
    }

    TopicPartition partition() {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** The record key, which is the event id; the vector's id when a producer left the key out. */
    String key() {
        return record.key() != null ? record.key() : vector == null ? null : vector.getEventId();
    }
}
