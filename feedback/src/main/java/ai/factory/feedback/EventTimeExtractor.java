package ai.factory.feedback;

import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.Prediction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Record timestamps follow the records' own clocks (event time of what was served, feedback time of labels),
 * not the broker's append time, so Kafka Streams interleaves the inputs in event-time order where it can (only
 * among records it has fetched). Join windows close on the {@link JoinClock}, which reads the records' times itself.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
        if (value instanceof FeatureVector f) {
            return f.getEventTime().toEpochMilli();
        }
        if (value instanceof Prediction p) {
            return p.getEventTime().toEpochMilli();
        }
        if (value instanceof Feedback f) {
            return f.getFeedbackTime().toEpochMilli();
        }
        // Unreadable or empty values still reach the join (which dead-letters them), but their broker
        // timestamp says nothing about event time: they must not move stream time.
        return Math.max(partitionTime, 0L);
    }
}
