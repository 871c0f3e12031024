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
 *
 * <p>A time the {@link TimeBounds} do not believe against the wall clock (unset, or dated far ahead) is not used: such a
 * record reaches the join (which dead-letters it) with its partition's time, so it moves no stream time, and its dead
 * letter gets a timestamp a broker accepts (Streams would drop a record with a negative timestamp unseen).
 */
public final class EventTimeExtractor implements TimestampExtractor {

    private final TimeBounds bounds;

    public EventTimeExtractor(TimeBounds bounds) {
        this.bounds = bounds;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long time = recordTime(record.value());
        if (time != Long.MIN_VALUE && bounds.believable(time, System.currentTimeMillis())) {
            return time;
        }
        // Unreadable, empty or absurdly timed values still reach the join (which dead-letters them), but their times
        // say nothing about event time: they must not move stream time.
        return Math.max(partitionTime, 0L);
    }

    private static long recordTime(Object value) {
        if (value instanceof FeatureVector f) {
            return f.getEventTime().toEpochMilli();
        }
        if (value instanceof Prediction p) {
            return p.getEventTime().toEpochMilli();
        }
        if (value instanceof Feedback f) {
            return f.getFeedbackTime().toEpochMilli();
        }
        return Long.MIN_VALUE;
    }
}
