package ai.factory.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Replays a file as a live stream: each row becomes an event at its event time and, when it has a label, feedback at
 * its label time, merged in time order and paced by event time with a speed-up (or as fast as Kafka takes them).
 * Rows go in event-time order: sorted first when asked, otherwise checked in a first pass, so that an unsorted file
 * fails before anything is sent instead of replaying out of order.
 * Kafka record timestamps are the event and feedback times, so downstream event-time logic sees the data's clock.
 * Every record is sent with a callback and counted ({@link Delivery}); once one has failed the replay sends nothing
 * more (a cluster that is gone is not fed the rest of the file), gives the records in flight {@link #SETTLE} to be
 * confirmed, and returns totals that count every record not confirmed then as failed.
 */
public final class Replay {

    /**
     * What to replay and how fast, and how to treat a file not sorted by event time: fail on a row more than
     * {@code maxDisorder} behind the latest event time before it, or with {@code sort} sort the rows first, spilling
     * sorted runs to {@code workDir}. {@code labels} may change labels on their way (a drill; none by default).
     */
    public record Options(Path data, Mapping mapping, Topics topics, boolean writeEvents, boolean writeFeedback,
                          double speedup, double maxEventsPerSecond, long maxEvents, boolean sort, Duration maxDisorder,
                          Path workDir, Duration liveLabelDelay, long skipEvents, LabelTransform labels) {

        public Options {
            if (speedup < 0 || maxEventsPerSecond < 0 || maxEvents < 0 || skipEvents < 0) {
                throw new IllegalArgumentException("speed-up, rate, event limit and events skipped must not be negative");
            }
            if (!writeEvents && !writeFeedback) {
                throw new IllegalArgumentException("nothing to write: choose events, feedback or both");
            }
            if (writeFeedback && !mapping.hasLabel()) {
                throw new IllegalArgumentException("the mapping has no label column, so there is no feedback to write");
            }
            maxDisorder = maxDisorder == null ? Duration.ZERO : maxDisorder;
            if (maxDisorder.isNegative()) {
                throw new IllegalArgumentException("the allowed disorder must not be negative, was " + maxDisorder);
            }
            workDir = workDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : workDir;
            if (liveLabelDelay != null && liveLabelDelay.isNegative()) {
                throw new IllegalArgumentException("the live label delay must not be negative, was " + liveLabelDelay);
            }
            labels = labels == null ? LabelTransform.NONE : labels;
        }

        public Options(Path data, Mapping mapping, Topics topics, boolean writeEvents, boolean writeFeedback,
                       double speedup, double maxEventsPerSecond, long maxEvents, boolean sort, Duration maxDisorder,
                       Path workDir, Duration liveLabelDelay, long skipEvents) {
            this(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond, maxEvents, sort,
                    maxDisorder, workDir, liveLabelDelay, skipEvents, LabelTransform.NONE);
        }

        public Options(Path data, Mapping mapping, Topics topics, boolean writeEvents, boolean writeFeedback,
                       double speedup, double maxEventsPerSecond, long maxEvents, boolean sort, Duration maxDisorder,
                       Path workDir, Duration liveLabelDelay) {
            this(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond, maxEvents, sort,
                    maxDisorder, workDir, liveLabelDelay, 0);
        }

        public Options(Path data, Mapping mapping, Topics topics, boolean writeEvents, boolean writeFeedback,
                       double speedup, double maxEventsPerSecond, long maxEvents, boolean sort, Duration maxDisorder,
                       Path workDir) {
            this(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond, maxEvents, sort,
                    maxDisorder, workDir, null);
        }

        /** Any disorder passes: what {@code --max-disorder forever} means. */
        public static final Duration NO_ORDER_CHECK = Duration.ofSeconds(Long.MAX_VALUE);

        /** A {@code --max-disorder} value: null ('forever') skips the check. */
        public static Duration disorder(Duration option) {
            return option == null ? NO_ORDER_CHECK : option;
        }

        public Options(Path data, Mapping mapping, Topics topics, boolean writeEvents, boolean writeFeedback,
                       double speedup, double maxEventsPerSecond, long maxEvents) {
            this(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond, maxEvents, false,
                    Duration.ZERO, null);
        }

        /** These options, sorting the rows by event time first with run files in {@code workDir}. */
        public Options sorted(Path workDir) {
            return new Options(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond,
                    maxEvents, true, maxDisorder, workDir, liveLabelDelay, skipEvents, labels);
        }

        /**
         * These options as a live stream: each event is stamped with the wall clock as it is sent, and its label
         * {@code labelDelay} later, so the rows' values flow at the pace of the rate limit as if happening now (a
         * benchmark of the real-time path; the file's own times then only order the rows).
         */
        public Options live(Duration labelDelay) {
            return new Options(data, mapping, topics, writeEvents, writeFeedback, 0, maxEventsPerSecond,
                    maxEvents, sort, maxDisorder, workDir, labelDelay, skipEvents, labels);
        }

        /** These options, allowing rows up to {@code maxDisorder} behind the latest event time before them. */
        public Options withMaxDisorder(Duration maxDisorder) {
            return new Options(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond,
                    maxEvents, sort, maxDisorder, workDir, liveLabelDelay, skipEvents, labels);
        }

        /** These options, sending each label through {@code transform} first (see {@link LabelFlip}). */
        public Options withLabels(LabelTransform transform) {
            return new Options(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond,
                    maxEvents, sort, maxDisorder, workDir, liveLabelDelay, skipEvents, transform);
        }

        /** These options, leaving out the first {@code events} events and their feedback (sent by an earlier run). */
        public Options skipping(long events) {
            return new Options(data, mapping, topics, writeEvents, writeFeedback, speedup, maxEventsPerSecond,
                    maxEvents, sort, maxDisorder, workDir, liveLabelDelay, events, labels);
        }
    }

    /** The file is not in event-time order and was not to be sorted; the message names both lines and times. */
    public static final class NotSortedException extends IllegalStateException {
        public NotSortedException(String message) {
            super(message);
        }
    }

    /**
     * Where a replay stands; also its final summary. {@code events} and {@code feedback} were handed to the producer;
     * {@code delivery} says, per topic, how many the cluster confirmed and how many failed.
     */
    public record Progress(long rows, long events, long feedback, long badLines, Instant eventTime, double fractionRead,
                           long pendingFeedback, Delivery.Totals delivery) {

        /**
         * Records not delivered: those that failed so far; in the final summary of a replay stopped by a failure
         * also those still unconfirmed when it stopped waiting, so that delivered and failed add up to the records sent.
         */
        public long failed() {
            return delivery.failed();
        }
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

        /**
         * The options' {@link LabelTransform} changed the label of this event, the {@code eventIndex}-th this replay
         * sends (0-based), to {@code sent}'s; told when the event is sent (its feedback follows at its label time).
         */
        default void labelChanged(long eventIndex, Event event, Feedback sent) {
        }

        /** The rows were sorted by event time before the replay: how many, in how many runs (1: in memory). */
        default void sorted(long rows, int runs) {
        }
    }

    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * After the first failed record, how long the replay waits for the producer to answer for the records in flight
     * before it counts the rest as not delivered (a closed-down cluster never answers; a live one takes milliseconds).
     */
    public static final Duration SETTLE = Duration.ofSeconds(5);

    /**
     * When the producer has answered none of the records in flight for this long, the replay holds back until it
     * answers (or they fail), instead of adding the rest of the file to a backlog for a cluster that is not there.
     */
    public static final Duration STALL = Duration.ofSeconds(10);

    private final Options options;
    private final AvroCodec<Event> events;
    private final AvroCodec<Feedback> feedbacks;
    private final int runRows;

    public Replay(Options options, AvroCodec<Event> events, AvroCodec<Feedback> feedbacks) {
        this(options, events, feedbacks, ExternalSort.DEFAULT_RUN_ROWS);
    }

    /** As above, with at most {@code runRows} rows in memory while sorting (tests use small runs). */
    Replay(Options options, AvroCodec<Event> events, AvroCodec<Feedback> feedbacks, int runRows) {
        this.options = options;
        this.events = events;
        this.feedbacks = feedbacks;
        this.runRows = runRows;
    }

    /**
     * Runs the replay to the end of the file or the event limit, then delivers the feedback still pending (its labels
     * would arrive later in event time), flushes, and returns the totals. When a record fails it stops at once instead
     * (see the class comment): the totals then count as failed every record not confirmed, and the caller should close
     * the producer without waiting ({@code close(Duration.ZERO)}) so that none of those is sent after all.
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
        long skipped = 0;
        Instant clock = null;
        long lastReport = System.nanoTime();
        DisorderCheck order = new DisorderCheck(options.maxDisorder());
        Delivery delivery = new Delivery();
        try (RowStream reader = rows(mapper, listener)) {
            while (!delivery.failing() && reader.hasNext() && (options.maxEvents() == 0 || eventCount < options.maxEvents())) {
                RowReader.Row row = reader.next();
                rows++;
                if (!row.ok()) {
                    bad++;
                    listener.badLine(row.lineNumber(), row.error());
                    continue;
                }
                RowMapper.Mapped mapped;
                try {
                    mapped = mapper.map(row.number(), row.values());
                } catch (RowMapper.BadRowException e) {
                    bad++;
                    listener.badLine(row.lineNumber(), e.getMessage());
                    continue;
                }
                Instant time = mapped.event().getEventTime();
                // The first pass checked the rows, but with a limit it may stop short of a row out of order that the
                // replay still reaches when other rows are bad.
                order.see(row.lineNumber(), time);
                if (skipped < options.skipEvents()) {
                    // Sent by an earlier run: neither the event nor its feedback again.
                    skipped++;
                    continue;
                }
                pacer.awaitTurn(time, delivery);
                while (delivery.stalled(STALL) && !delivery.failing()) {
                    LockSupport.parkNanos(Pacer.MAX_PARK_NANOS);
                }
                if (delivery.failing()) {
                    break;
                }
                gate.awaitTurn(time);
                if (options.liveLabelDelay() != null) {
                    time = Instant.now();
                    mapped.event().setEventTime(time);
                    if (mapped.feedback() != null) {
                        mapped.feedback().setFeedbackTime(time.plus(options.liveLabelDelay()));
                    }
                }
                while (!delivery.failing() && !pending.isEmpty() && !pending.peek().getFeedbackTime().isAfter(time)) {
                    send(producer, delivery, pending.poll(), listener);
                    feedbackCount++;
                }
                if (delivery.failing()) {
                    break;
                }
                if (options.writeEvents()) {
                    Event event = mapped.event();
                    delivery.send(producer, new ProducerRecord<>(options.topics().events(), null, time.toEpochMilli(),
                            event.getId(), events.encode(event)));
                    listener.eventSent(event);
                }
                eventCount++;
                if (options.writeFeedback() && mapped.feedback() != null) {
                    Feedback feedback = options.labels().apply(eventCount - 1, mapped.feedback());
                    if (feedback != mapped.feedback()) {
                        listener.labelChanged(eventCount - 1, mapped.event(), feedback);
                    }
                    pending.add(feedback);
                }
                clock = time;
                if (System.nanoTime() - lastReport > PROGRESS_EVERY_NANOS) {
                    lastReport = System.nanoTime();
                    listener.progress(new Progress(rows, eventCount, feedbackCount, bad, clock, reader.fractionRead(),
                            pending.size(), delivery.totals()));
                }
            }
            while (!delivery.failing() && !pending.isEmpty()) {
                send(producer, delivery, pending.poll(), listener);
                feedbackCount++;
            }
            if (delivery.failing()) {
                // Waiting for a flush would wait out the delivery timeout of every batch still queued for a cluster
                // that may be gone: a bounded wait, and what is unconfirmed then counts as not delivered.
                awaitSettled(delivery);
                delivery.abandon("no answer within " + SETTLE.toSeconds() + " s after the first failure");
            } else {
                // Bounded by the producer's delivery.timeout.ms; a record failing meanwhile is counted.
                producer.flush();
            }
            Progress done = new Progress(rows, eventCount, feedbackCount, bad, clock, reader.fractionRead(), 0,
                    delivery.totals());
            listener.progress(done);
            return done;
        }
    }

    private static void awaitSettled(Delivery delivery) throws IOException {
        try {
            delivery.awaitSettled(SETTLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the records in flight");
        }
    }

    /**
     * Reads the file once without sending anything: the rows the replay would take (up to the event limit) and,
     * unless it sorts, that they are in event-time order ({@link NotSortedException} otherwise). Lets a caller size
     * its work and refuse a file before it starts anything.
     */
    public static long scan(Options options) throws IOException {
        Function<RowReader.Row, Instant> time = eventTime(new RowMapper(options.mapping(), "scan"));
        DisorderCheck order = new DisorderCheck(options.maxDisorder());
        long timed = 0;
        try (RowReader reader = RowReader.open(options.data())) {
            while (reader.hasNext() && (options.maxEvents() == 0 || timed < options.skipEvents() + options.maxEvents())) {
                RowReader.Row row = reader.next();
                Instant t = time.apply(row);
                if (t != null) {
                    if (!options.sort()) {
                        order.see(row.lineNumber(), t);
                    }
                    timed++;
                }
            }
        }
        return Math.max(0, timed - options.skipEvents());
    }

    /** A row's event time, or null when it has none (a bad row, reported when the replay reaches it). */
    private static Function<RowReader.Row, Instant> eventTime(RowMapper mapper) {
        return row -> {
            try {
                return row.ok() ? mapper.eventTime(row.values()) : null;
            } catch (RowMapper.BadRowException e) {
                return null;
            }
        };
    }

    /** The rows in event-time order: sorted first, or checked to be in order before anything is sent. */
    private RowStream rows(RowMapper mapper, Listener listener) throws IOException {
        if (options.sort()) {
            try (RowReader reader = RowReader.open(options.data())) {
                ExternalSort.Sorted sorted = ExternalSort.sort(reader, eventTime(mapper), options.workDir(), runRows);
                try {
                    listener.sorted(sorted.rows(), sorted.runs());
                } catch (RuntimeException e) {
                    sorted.close();
                    throw e;
                }
                return sorted;
            }
        }
        // A check that lets any disorder pass (or one the caller ran already) need not read the file first.
        if (!options.maxDisorder().equals(Options.NO_ORDER_CHECK)) {
            scan(options);
        }
        return RowReader.open(options.data());
    }

    private void send(Producer<String, byte[]> producer, Delivery delivery, Feedback feedback, Listener listener) {
        delivery.send(producer, new ProducerRecord<>(options.topics().feedback(), null, feedback.getFeedbackTime().toEpochMilli(),
                feedback.getEventId(), feedbacks.encode(feedback)));
        listener.feedbackSent(feedback);
    }

    /** Holds the replay to event-time pacing and to a rate limit, whichever is slower. */
    private static final class Pacer {
        private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
        private final double speedup;
        private final long nanosPerEvent;
        private long startNanos;
        private Instant startTime;
        private long nextSlot;

        Pacer(double speedup, double maxEventsPerSecond) {
            this.speedup = speedup;
            this.nanosPerEvent = maxEventsPerSecond > 0 ? (long) (1e9 / maxEventsPerSecond) : 0;
        }

        /** Waits for the event's turn, or until a record has failed (checked at least every 100 ms). */
        void awaitTurn(Instant eventTime, Delivery delivery) {
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
                // Slots follow the schedule, not the wake-ups: a park that overshoots is made up by the next events
                // (each woken late and re-timed from then sent 1,000 a second at 607). Only a stall longer than a
                // second of slots is forgiven rather than caught up in a burst.
                nextSlot = Math.max(nextSlot, now - TimeUnit.SECONDS.toNanos(1));
                due = Math.max(due, nextSlot);
                nextSlot += nanosPerEvent;
            }
            while (due - System.nanoTime() > 0 && !delivery.failing()) {
                LockSupport.parkNanos(Math.min(due - System.nanoTime(), MAX_PARK_NANOS));
            }
        }
    }
}
