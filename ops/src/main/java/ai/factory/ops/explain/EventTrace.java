package ai.factory.ops.explain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.explain.EventView.Contribution;
import ai.factory.ops.explain.EventView.EventFacts;
import ai.factory.ops.explain.EventView.ExampleFacts;
import ai.factory.ops.explain.EventView.ExplanationFacts;
import ai.factory.ops.explain.EventView.FeatureFacts;
import ai.factory.ops.explain.EventView.FeedbackFacts;
import ai.factory.ops.explain.EventView.PredictionFacts;
import ai.factory.ops.explain.EventView.ReleaseLineage;
import ai.factory.ops.explain.EventView.ReleaseStep;
import ai.factory.ops.explain.EventView.Search;
import ai.factory.ops.explain.EventView.Where;
import ai.factory.ops.explain.EventView.Window;
import ai.factory.ops.kafka.PositionReader;
import ai.factory.ops.kafka.PositionReader.ScanEnd;
import ai.factory.ops.kafka.PositionReader.ScanOutcome;
import ai.factory.ops.models.ModelBook;
import ai.factory.ops.models.ModelVersionView;
import ai.factory.ops.models.ModelsView;
import ai.factory.records.Event;
import ai.factory.records.Explanation;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.UndecodableRecordException;
import ai.factory.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds what the factory's topics hold about one event id ({@link EventView}). Only features are keyed by event id,
 * so this is a scan, bounded three ways ({@link TraceOptions}): the event is looked for among the newest records of
 * the events topic first, going back (or among those timestamped near a given time); the other topics are read only
 * where their Kafka timestamps lie in a window from the event's time ({@code offsetsForTimes}), and, when the features
 * and predictions (stamped with the wall clock) are not there, from when its example says its features were prepared;
 * and the whole search reads at most a budget of records within a timeout. A record is decoded only when its bytes hold the id (Avro
 * writes strings as plain UTF-8), so most records cost a byte search. Not thread-safe: one trace at a time.
 */
public final class EventTrace implements AutoCloseable {

    /** Releases shown per predicting release: it, its parent, grandparent ... */
    public static final int LINEAGE_DEPTH = ModelBook.LINEAGE;
    /** Records of one kind kept per event (an id repeated without end must not fill the heap); the first ones read. */
    public static final int MAX_PER_KIND = 100;
    /** Before the event's own time, how far to look for records about it: clocks of different hosts disagree. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** Records per partition of the first look back through the events topic; each further look doubles it. */
    private static final long FIRST_LOOK_BACK = 10_000;
    private static final long PROGRESS_EVERY = 20_000;
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    /** Told how a long search goes: what it is doing, records read so far, and at most how many it will read. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (phase, read, total) -> { };

        void update(String phase, long read, long total);
    }

    private final Topics topics;
    private final PositionReader reader;
    private final AvroCodec<Event> events;
    private final AvroCodec<FeatureVector> features;
    private final AvroCodec<Prediction> predictions;
    private final AvroCodec<Feedback> feedback;
    private final AvroCodec<LabeledExample> examples;
    private final AvroCodec<ModelRelease> releases;

    /** A trace of the factory named by {@code topics} on the cluster {@code connection} reaches. */
    public EventTrace(KafkaConnection connection, Topics topics, SchemaRegistry registry) {
        this.topics = topics;
        this.reader = new PositionReader(connection, 1 << 20);
        this.events = AvroCodec.of(Event.class, registry);
        this.features = AvroCodec.of(FeatureVector.class, registry);
        this.predictions = AvroCodec.of(Prediction.class, registry);
        this.feedback = AvroCodec.of(Feedback.class, registry);
        this.examples = AvroCodec.of(LabeledExample.class, registry);
        this.releases = AvroCodec.of(ModelRelease.class, registry);
    }

    /**
     * What the topics say about {@code eventId}, the lineage read from the models topic.
     *
     * @throws EventNotFoundException when the event is not among the records searched, saying where it looked
     * @throws org.apache.kafka.common.KafkaException when the cluster does not answer (in bounded time)
     */
    public EventView trace(String eventId, TraceOptions options, Progress progress) {
        return new Run(eventId, options, progress).trace(null);
    }

    /** As {@link #trace(String, TraceOptions, Progress)}, the lineage from {@code book}, which a caller keeps current. */
    public EventView trace(String eventId, TraceOptions options, ModelBook book, Progress progress) {
        return new Run(eventId, options, progress).trace(book);
    }

    /** One search: its budget, deadline and what it found. */
    private final class Run {
        final String id;
        final byte[] needle;
        final TraceOptions options;
        final Progress progress;
        final long deadline;
        long read;
        ConsumerRecord<byte[], byte[]> eventRecord;
        Event event;
        /** When the event's features were prepared (wall clock), as its first example says; null until one is read. */
        Long preparedAt;
        final List<FeatureFacts> vectors = new ArrayList<>();
        final List<PredictionFacts> scores = new ArrayList<>();
        final List<FeedbackFacts> labels = new ArrayList<>();
        final List<ExampleFacts> labeled = new ArrayList<>();

        Run(String id, TraceOptions options, Progress progress) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("an event id is needed");
            }
            this.id = id;
            this.needle = id.getBytes(StandardCharsets.UTF_8);
            this.options = options;
            this.progress = progress;
            this.deadline = System.nanoTime() + options.timeout().toNanos();
        }

        EventView trace(ModelBook book) {
            findEvent();
            long eventTs = eventRecord.timestamp();
            long eventTime = event.getEventTime().toEpochMilli();
            List<String> missing = new ArrayList<>();
            List<Window> windows = new ArrayList<>();
            List<String> all = List.of(topics.features(), topics.predictions(), topics.predictionsShadow(),
                    topics.feedback(), topics.examples());
            // The feedback app stamps an example when its join closes, so the examples topic is out of time order by
            // up to a join window: the data window is read with a window of slack.
            long window = options.window().toMillis();
            ScanOutcome outcome = readAbout(new Window("data", all, Math.min(eventTs, eventTime) - CLOCK_SKEW.toMillis(),
                    Math.max(eventTs, eventTime) + window, window), windows, missing);
            // Features and predictions carry the wall clock of when they were made, which for a replayed event is far
            // from its own time; its example says when its features were prepared.
            if (outcome.end() == ScanEnd.DONE && vectors.isEmpty() && scores.isEmpty() && preparedAt != null) {
                List<String> made = List.of(topics.features(), topics.predictions(), topics.predictionsShadow());
                made = made.stream().filter(t -> !missing.contains(t)).toList();
                outcome = readAbout(new Window("processing", made, preparedAt - CLOCK_SKEW.toMillis(),
                        preparedAt + window, CLOCK_SKEW.toMillis()), windows, new ArrayList<>());
            }
            List<ReleaseLineage> lineage = lineage(scores.isEmpty() && labeled.isEmpty() ? new ModelBook()
                    : book != null ? book : readReleases());
            String stopped = switch (outcome.end()) {
                case BUDGET -> "the budget of " + options.maxRecords() + " records was spent";
                case TIMEOUT -> "the search took longer than " + options.timeout();
                default -> "";
            };
            Map<String, Object> attributes = new TreeMap<>();
            event.getAttributes().forEach((k, v) -> attributes.put(k.toString(), v instanceof CharSequence s ? s.toString() : v));
            EventFacts facts = new EventFacts(where(eventRecord), eventTime,
                    event.getEntity() == null ? null : event.getEntity().toString(), attributes);
            return new EventView(id, facts, List.copyOf(vectors), List.copyOf(scores), List.copyOf(labels),
                    List.copyOf(labeled), lineage, new Search(List.copyOf(windows), read, options.maxRecords(),
                    outcome.end() == ScanEnd.DONE, stopped, List.copyOf(missing)));
        }

        /** The event's record: near {@code around}, else the newest records first, going back a doubling stretch at a time. */
        void findEvent() {
            String topic = topics.events();
            List<TopicPartition> partitions = reader.partitions(topic, METADATA_TIMEOUT);
            if (partitions.isEmpty()) {
                throw new EventNotFoundException("event " + id + " not found: there is no topic " + topic);
            }
            Predicate<ConsumerRecord<byte[], byte[]>> isIt = record -> {
                Event candidate = decodeIfAbout(events, record);
                if (candidate != null && id.contentEquals(candidate.getId())) {
                    eventRecord = record;
                    event = candidate;
                    return false;
                }
                return true;
            };
            if (options.around() != null) {
                long from = options.around().toEpochMilli() - options.window().toMillis();
                long to = options.around().toEpochMilli() + options.window().toMillis();
                ScanOutcome outcome = scan("looking for the event", ranges(partitions, from), to, isIt);
                if (eventRecord == null) {
                    throw new EventNotFoundException("event " + id + " not found among the " + outcome.read() + " records of "
                            + topic + " timestamped " + Instant.ofEpochMilli(from) + " to " + Instant.ofEpochMilli(to)
                            + unfinished(outcome) + "; search around another time or widen the window");
                }
                return;
            }
            Map<TopicPartition, long[]> extent = reader.extent(partitions, METADATA_TIMEOUT);
            Map<TopicPartition, Long> searchedFrom = new HashMap<>();
            extent.forEach((tp, range) -> searchedFrom.put(tp, range[1]));
            long searched = 0;
            for (long lookBack = FIRST_LOOK_BACK; ; lookBack *= 2) {
                Map<TopicPartition, long[]> ranges = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    long end = searchedFrom.get(tp);
                    long start = Math.max(extent.get(tp)[0], end - lookBack);
                    if (start < end) {
                        ranges.put(tp, new long[] {start, end});
                        searchedFrom.put(tp, start);
                    }
                }
                if (ranges.isEmpty()) {
                    throw new EventNotFoundException("event " + id + " not found: it is not among the " + searched
                            + " records of " + topic);
                }
                ScanOutcome outcome = scan("looking for the event, newest first", ranges, Long.MAX_VALUE, isIt);
                searched += outcome.read();
                if (eventRecord != null) {
                    return;
                }
                if (outcome.end() != ScanEnd.DONE) {
                    throw new EventNotFoundException("event " + id + " not found in the newest " + searched + " records of "
                            + topic + unfinished(outcome) + "; search around the time it happened, or allow more records");
                }
            }
        }

        /** Reads the window's topics where their timestamps lie in it, keeping the records about the event. */
        ScanOutcome readAbout(Window window, List<Window> windows, List<String> missing) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> read = new ArrayList<>();
            for (String topic : window.topics()) {
                List<TopicPartition> some = reader.partitions(topic, METADATA_TIMEOUT);
                if (some.isEmpty()) {
                    missing.add(topic);
                } else {
                    read.add(topic);
                    partitions.addAll(some);
                }
            }
            // One search for every partition: its steps read all of them at once.
            Map<TopicPartition, long[]> ranges = partitions.isEmpty() ? Map.of()
                    : ranges(partitions, window.fromMs() - window.slackMs());
            windows.add(new Window(window.clock(), List.copyOf(read), window.fromMs(), window.toMs(), window.slackMs()));
            return scan("reading what followed the event (" + window.clock() + " clock)", ranges,
                    window.toMs() + window.slackMs(), record -> {
                keep(record);
                return true;
            });
        }

        private void keep(ConsumerRecord<byte[], byte[]> record) {
            String topic = record.topic();
            if (topic.equals(topics.features())) {
                FeatureVector v = decodeIfAbout(features, record);
                if (v != null && id.contentEquals(v.getEventId()) && vectors.size() < MAX_PER_KIND) {
                    vectors.add(new FeatureFacts(where(record), v.getSpecName().toString(), v.getSpecVersion(),
                            List.copyOf(v.getDense()), List.copyOf(v.getSparse()), v.getSparseBuckets(), v.getLate(),
                            v.getPreparedAt().toEpochMilli()));
                }
            } else if (topic.equals(topics.predictions()) || topic.equals(topics.predictionsShadow())) {
                Prediction p = decodeIfAbout(predictions, record);
                if (p != null && id.contentEquals(p.getEventId()) && scores.size() < MAX_PER_KIND) {
                    scores.add(new PredictionFacts(where(record), p.getModelName().toString(), p.getModelVersion(),
                            p.getSpecVersion(), p.getScore(), p.getServedAt().toEpochMilli(),
                            topic.equals(topics.predictionsShadow()), explanation(p.getExplanation())));
                }
            } else if (topic.equals(topics.feedback())) {
                Feedback f = decodeIfAbout(feedback, record);
                if (f != null && id.contentEquals(f.getEventId()) && labels.size() < MAX_PER_KIND) {
                    labels.add(new FeedbackFacts(where(record), f.getLabel(), f.getFeedbackTime().toEpochMilli(),
                            f.getSource().toString()));
                }
            } else {
                LabeledExample e = decodeIfAbout(examples, record);
                if (e != null && id.contentEquals(e.getEventId()) && labeled.size() < MAX_PER_KIND) {
                    if (preparedAt == null) {
                        preparedAt = e.getFeatures().getPreparedAt().toEpochMilli();
                    }
                    labeled.add(new ExampleFacts(where(record), e.getLabel(), e.getLabelTime().toEpochMilli(),
                            e.getLabelSource().toString(), e.getServedScore(),
                            e.getModelName() == null ? null : e.getModelName().toString(), e.getModelVersion(),
                            e.getJoinedAt() == null ? null : e.getJoinedAt().toEpochMilli()));
                }
            }
        }

        /** The models topic, whole (it is compacted: the latest record of each release), into a book. */
        ModelBook readReleases() {
            ModelBook book = new ModelBook();
            List<TopicPartition> partitions = reader.partitions(topics.models(), METADATA_TIMEOUT);
            if (!partitions.isEmpty()) {
                Map<TopicPartition, long[]> all = reader.extent(partitions, METADATA_TIMEOUT);
                reader.scan(all, Long.MAX_VALUE, Long.MAX_VALUE, remaining(), record -> {
                    ModelsView.apply(book, releases, record);
                    return true;
                });
            }
            return book;
        }

        /** Each release that predicted for the event (or served its example), with its ancestors. */
        List<ReleaseLineage> lineage(ModelBook book) {
            Set<Map.Entry<String, Long>> predicting = new LinkedHashSet<>();
            scores.forEach(p -> predicting.add(Map.entry(p.model(), p.version())));
            labeled.stream().filter(e -> e.model() != null && e.version() != null)
                    .forEach(e -> predicting.add(Map.entry(e.model(), e.version())));
            List<ReleaseLineage> out = new ArrayList<>();
            for (Map.Entry<String, Long> release : predicting) {
                List<ReleaseStep> steps = new ArrayList<>();
                Set<Long> seen = new HashSet<>();
                Long version = release.getValue();
                while (version != null && steps.size() < LINEAGE_DEPTH && seen.add(version)) {
                    Optional<ModelVersionView> found = book.version(release.getKey(), version);
                    if (found.isEmpty()) {
                        break;
                    }
                    ModelVersionView r = found.get();
                    steps.add(new ReleaseStep(r.version(), r.parentVersion(), r.status(), r.statusBy(), r.statusReason(),
                            r.createdAt(), r.examplesTrained(), r.trainedFromEventTime(), r.trainedThroughEventTime(), r.trainingData()));
                    version = r.parentVersion();
                }
                out.add(new ReleaseLineage(release.getKey(), release.getValue(), List.copyOf(steps)));
            }
            return out;
        }

        /** Each partition's offsets from its first record stamped at or after {@code from} to its end (a scan's stop time ends it sooner). */
        Map<TopicPartition, long[]> ranges(List<TopicPartition> partitions, long from) {
            Map<TopicPartition, Long> starts = reader.offsetsAt(partitions, from, METADATA_TIMEOUT);
            Map<TopicPartition, long[]> extent = reader.extent(partitions, METADATA_TIMEOUT);
            Map<TopicPartition, long[]> ranges = new HashMap<>();
            partitions.forEach(tp -> ranges.put(tp, new long[] {starts.get(tp), extent.get(tp)[1]}));
            return ranges;
        }

        /**
         * Scans within what is left of the budget and the time, each partition until its first record stamped at or
         * after {@code stopAtMs}, telling {@link #progress} as it goes.
         */
        ScanOutcome scan(String phase, Map<TopicPartition, long[]> ranges, long stopAtMs,
                         Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
            long size = ranges.values().stream().mapToLong(r -> Math.max(0, r[1] - r[0])).sum();
            long start = read;
            long total = Math.min(options.maxRecords(), read + size);
            progress.update(phase, read, total);
            ScanOutcome outcome = reader.scan(ranges, stopAtMs, Math.max(0, options.maxRecords() - read), remaining(), record -> {
                if (++read % PROGRESS_EVERY == 0) {
                    progress.update(phase, read, total);
                }
                return visitor.test(record);
            });
            read = start + outcome.read();
            progress.update(phase, read, total);
            return outcome;
        }

        private Duration remaining() {
            return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        }

        private String unfinished(ScanOutcome outcome) {
            return switch (outcome.end()) {
                case BUDGET -> " (the budget of " + options.maxRecords() + " records is spent)";
                case TIMEOUT -> " (the search took longer than " + options.timeout() + ")";
                default -> "";
            };
        }

        /** The record decoded when its bytes hold the id; null when they do not or it is unreadable (skipped). */
        private <T extends SpecificRecord> T decodeIfAbout(AvroCodec<T> codec, ConsumerRecord<byte[], byte[]> record) {
            if (!holds(record.value(), needle)) {
                return null;
            }
            try {
                return codec.decode(record);
            } catch (UndecodableRecordException e) {
                return null;
            }
        }
    }

    private static Where where(ConsumerRecord<?, ?> record) {
        return new Where(record.topic(), record.partition(), record.offset(), record.timestamp());
    }

    private static ExplanationFacts explanation(Explanation e) {
        if (e == null) {
            return null;
        }
        List<Contribution> top = e.getTop().stream()
                .map(c -> new Contribution(c.getFeature().toString(), c.getContribution())).toList();
        return new ExplanationFacts(e.getMethod().toString(), e.getUnits().toString(), e.getOutput(), e.getBaseline(),
                top, e.getRest());
    }

    /** Whether {@code bytes} contain {@code needle}. */
    static boolean holds(byte[] bytes, byte[] needle) {
        if (bytes == null || bytes.length < needle.length) {
            return false;
        }
        byte first = needle[0];
        int last = bytes.length - needle.length;
        for (int i = 0; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            int j = 1;
            while (j < needle.length && bytes[i + j] == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        reader.close();
    }
}
