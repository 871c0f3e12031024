package ai.factory.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Replays a file as a live stream: each row becomes an event at its event time and, when it has a label, feedback at
 * its label time, merged in time order and paced by event time with a speed-up (or as fast as Kafka takes them).
 * Kafka record timestamps are the event and feedback times, so downstream event-time logic sees the data's clock.
 */
public final class Replay {

    /** What to replay and how fast. */
    public record Options(Path data, Mapping mapping, Topics topics, boolean writeEvents, boolean writeFeedback,
                          double speedup, double maxEventsPerSecond, long maxEvents) {

        public Options {
            if (speedup < 0 || maxEventsPerSecond < 0 || maxEvents < 0) {
                throw new IllegalArgumentException("speed-up, rate and event limit must not be negative");
            }
            if (!writeEvents && !writeFeedback) {
                throw new IllegalArgumentException("nothing to write: choose events, feedback or both");
            }
            if (writeFeedback && !mapping.hasLabel()) {
                throw new IllegalArgumentException("the mapping has no label column, so there is no feedback to write");
            }
        }
    }

    /** Where a replay stands; also its final summary. */
    public record Progress(long rows, long events, long feedback, long badLines, Instant eventTime, double fractionRead,
                           long pendingFeedback) {
    }

    /** May hold the replay before it moves its clock to an event's time (flow control); called on the replay thread. */
    @FunctionalInterface
    public interface Gate {
        /** Lets everything through. */
        Gate OPEN = eventTime -> { };

        void awaitTurn(Instant eventTime);
    }

    /** Hears about progress and bad lines; called on the replay thread. */
    public interface Listener {
        void progress(Progress progress);

        void badLine(long lineNumber, String reason);

        /** An event was handed to the producer. */
        default void eventSent(Event event) {
        }

        /** A feedback record was handed to the producer. */
        default void feedbackSent(Feedback feedback) {
        }
    }

    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Options options;
    private final AvroCodec<Event> events;
    private final AvroCodec<Feedback> feedbacks;

    public Replay(Options options, AvroCodec<Event> events, AvroCodec<Feedback> feedbacks) {
        this.options = options;
        this.events = events;
        this.feedbacks = feedbacks;
    }

    /**
     * Runs the replay to the end of the file or the event limit, then delivers the feedback still pending (its labels
     * would arrive later in event time), flushes, and returns the totals.
     */
    public Progress run(Producer<String, byte[]> producer, Listener listener) throws IOException {
        return run(producer, listener, Gate.OPEN);
    }

    /** Runs the replay as {@link #run(Producer, Listener)} does, holding each event until the gate lets it pass. */
    public Progress run(Producer<String, byte[]> producer, Listener listener, Gate gate) throws IOException {
        RowMapper mapper = new RowMapper(options.mapping(), "replay");
        PriorityQueue<Feedback> pending = new PriorityQueue<>(Comparator.comparing(Feedback::getFeedbackTime));
        Pacer pacer = new Pacer(options.speedup(), options.maxEventsPerSecond());
        long rows = 0;
        long eventCount = 0;
        long feedbackCount = 0;
        long bad = 0;
        Instant clock = null;
        long lastReport = System.nanoTime();
        try (RowReader reader = RowReader.open(options.data())) {
            while (reader.hasNext() && (options.maxEvents() == 0 || eventCount < options.maxEvents())) {
                RowReader.Row row = reader.next();
                rows++;
                if (!row.ok()) {
                    bad++;
                    listener.badLine(row.lineNumber(), row.error());
                    continue;
                }
                RowMapper.Mapped mapped;
                try {
                    mapped = mapper.map(rows, row.values());
                } catch (RowMapper.BadRowException e) {
                    bad++;
                    listener.badLine(row.lineNumber(), e.getMessage());
                    continue;
                }
                Instant time = mapped.event().getEventTime();
                pacer.awaitTurn(time);
                gate.awaitTurn(time);
                while (!pending.isEmpty() && !pending.peek().getFeedbackTime().isAfter(time)) {
                    send(producer, pending.poll(), listener);
                    feedbackCount++;
                }
                if (options.writeEvents()) {
                    Event event = mapped.event();
                    producer.send(new ProducerRecord<>(options.topics().events(), null, time.toEpochMilli(),
                            event.getId(), events.encode(event)));
                    listener.eventSent(event);
                }
                eventCount++;
                if (options.writeFeedback() && mapped.feedback() != null) {
                    pending.add(mapped.feedback());
                }
                clock = time;
                if (System.nanoTime() - lastReport > PROGRESS_EVERY_NANOS) {
                    lastReport = System.nanoTime();
                    listener.progress(new Progress(rows, eventCount, feedbackCount, bad, clock, reader.fractionRead(), pending.size()));
                }
            }
            while (!pending.isEmpty()) {
                send(producer, pending.poll(), listener);
                feedbackCount++;
            }
            producer.flush();
            Progress done = new Progress(rows, eventCount, feedbackCount, bad, clock, reader.fractionRead(), 0);
            listener.progress(done);
            return done;
        }
    }

    private void send(Producer<String, byte[]> producer, Feedback feedback, Listener listener) {
        producer.send(new ProducerRecord<>(options.topics().feedback(), null, feedback.getFeedbackTime().toEpochMilli(),
                feedback.getEventId(), feedbacks.encode(feedback)));
        listener.feedbackSent(feedback);
    }

    /** Holds the replay to event-time pacing and to a rate limit, whichever is slower. */
    private static final class Pacer {
        private final double speedup;
        private final long nanosPerEvent;
        private long startNanos;
        private Instant startTime;
        private long nextSlot;

        Pacer(double speedup, double maxEventsPerSecond) {
            this.speedup = speedup;
            this.nanosPerEvent = maxEventsPerSecond > 0 ? (long) (1e9 / maxEventsPerSecond) : 0;
        }

        void awaitTurn(Instant eventTime) {
            long now = System.nanoTime();
            if (startTime == null) {
                startTime = eventTime;
                startNanos = now;
                nextSlot = now;
            }
            long due = now;
            if (speedup > 0) {
                long eventNanos = TimeUnit.MILLISECONDS.toNanos(eventTime.toEpochMilli() - startTime.toEpochMilli());
                due = Math.max(due, startNanos + (long) (eventNanos / speedup));
            }
            if (nanosPerEvent > 0) {
                due = Math.max(due, nextSlot);
                nextSlot = due + nanosPerEvent;
            }
            while (due - System.nanoTime() > 0) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
        }
    }
}
