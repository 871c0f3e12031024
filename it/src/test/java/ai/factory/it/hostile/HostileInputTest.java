package ai.factory.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.feedback.FeedbackApp;
import ai.factory.feedback.FeedbackOptions;
import ai.factory.feedback.JoinSettings;
import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.ingest.job.IngestHandle;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.it.hostile.HostileRecords.GoodFlight;
import ai.factory.it.hostile.HostileRecords.Hostile;
import ai.factory.it.hostile.HostileRecords.Input;
import ai.factory.it.hostile.HostileRecords.Kind;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.records.Prediction;
import ai.factory.records.QualityTask;
import ai.factory.records.Rejected;
import ai.factory.replay.Mapping;
import ai.factory.replay.RowMapper;
import ai.factory.replay.RowReader;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Hostile input at volume (issue 16): over 100,000 bad records of twelve kinds mixed into a stream of 5,000 real
 * flights (events, their labels and the predictions a scorer would have written), read by the real stream-ingest job
 * (Flink MiniCluster, no restart allowed) and the real feedback app (Kafka Streams) on the embedded broker. Every bad
 * record must land in the dead-letter topic of each stage that reads it, found by its source offset, with the reason
 * its kind calls for; every good event must get one feature vector and every good label one training example; both
 * stages must still be running, and the heap bounded. The counts by kind go to {@code target/hostile-input.json}.
 */
@ExtendWith(KafkaExtension.class)
class HostileInputTest {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(HostileInputTest.class);
    private static final int GOOD_FLIGHTS = 5_000;
    /** Bad records per kind and topic; 105,000 in all. */
    private static final Map<Kind, int[]> COUNTS = new EnumMap<>(Map.ofEntries(
            Map.entry(Kind.UNDECODABLE_BYTES, new int[] {8_000, 4_000}),
            Map.entry(Kind.UNKNOWN_FINGERPRINT, new int[] {8_000, 4_000}),
            Map.entry(Kind.LENGTH_BOMB, new int[] {7_000, 3_000}),
            Map.entry(Kind.WRONG_SCHEMA, new int[] {7_000, 3_000}),
            Map.entry(Kind.MISSING_FIELD, new int[] {7_000, 3_000}),
            Map.entry(Kind.NOT_FINITE, new int[] {7_000, 3_000}),
            Map.entry(Kind.ABSURD_TIME, new int[] {7_000, 3_000}),
            Map.entry(Kind.HUGE_STRING, new int[] {5_000, 500}),
            Map.entry(Kind.HUGE_MAP, new int[] {6_000, 0}),
            Map.entry(Kind.DUPLICATE_ID, new int[] {5_000, 0}),
            Map.entry(Kind.WRONG_KEY, new int[] {7_000, 3_000}),
            Map.entry(Kind.WRONG_TYPE, new int[] {3_500, 0})));
    /** The heap may grow by at most this over the run, measured after a full GC at the start and the end. */
    private static final long HEAP_GROWTH_BOUND = 384L << 20;
    private static final Path REPORT = Path.of("target", "hostile-input.json");
    /** The feedback app's join window: a label later than this after its flight is late by its own times. */
    private static final Duration WINDOW = Duration.ofDays(1);

    /** One record to send, in the order of {@code position}. */
    private record Outgoing(double position, String topic, byte[] key, byte[] value, Hostile hostile) {
    }

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonAndEveryGoodOneProcessed(TestKafka kafka, @TempDir Path dir) throws Exception {
        long started = System.nanoTime();
        Topics topics = new Topics(TestKafka.uniquePrefix("hostile"));
        KafkaConnection connection = KafkaConnection.of(kafka.bootstrapServers());
        // One warning per dead letter is the feedback app's way; 26,500 of them would only slow the run down (this class
        // has a JVM of its own: surefire does not reuse forks in this module).
        ((Logger) LoggerFactory.getLogger("ai.factory.feedback.JoinProcessor")).setLevel(Level.ERROR);
        ListAppender<ILoggingEvent> feedbackErrors = new ListAppender<>();
        feedbackErrors.start();
        ((Logger) LoggerFactory.getLogger(FeedbackApp.class)).addAppender(feedbackErrors);

        IngestOptions ingest = IngestOptions.defaults(connection).withTopicPrefix(topics.prefix())
                // Any failure fails the job for good: still RUNNING at the end means it never restarted.
                .withRestarts(ai.factory.flink.RestartPolicy.none())
                // The default idleness (10 s), not a short one: on a loaded machine a partition stalled for two seconds is
                // marked idle while the others carry the watermark days ahead, and its events come late, after the join
                // has closed their windows (the likely cause of a CI run that missed examples).
                .withCheckpointInterval(Duration.ofSeconds(2))
                .withCheckpointDir(Files.createDirectories(dir.resolve("checkpoints")).toUri().toString());
        FeedbackOptions feedback = FeedbackOptions.defaults(connection).withTopicPrefix(topics.prefix())
                .withJoin(new JoinSettings(WINDOW, Duration.ZERO, WINDOW,
                        // One label per flight: an example as soon as features, prediction and label are in.
                        FeedbackPolicies.of(FeedbackPolicy.parse("first"))))
                .withState(Files.createDirectories(dir.resolve("feedback-state")), true)
                .withTask("flights", QualityTask.BINARY);
        IngestJob.ensureTopics(ingest);
        FeedbackApp.ensureTopics(feedback);

        try (SchemaRegistry registry = new KafkaSchemaRegistry(connection, topics.schemas())) {
            List<GoodFlight> good = goodFlights(GOOD_FLIGHTS);
            HostileRecords generator = new HostileRecords(registry, good.get(0).event().getEventTime(), 16);
            List<Outgoing> outgoing = mix(good, generator, topics, registry);
            List<Hostile> hostile = outgoing.stream().map(Outgoing::hostile).filter(h -> h != null).toList();
            assertThat(hostile).hasSizeGreaterThanOrEqualTo(100_000);
            assertThat(hostile.stream().map(Hostile::kind).distinct()).hasSizeGreaterThanOrEqualTo(10);

            // A good label is an example, unless it came more than the window after its flight (one in 5,000, a flight
            // 1,191 minutes late): then it is late, by its own times.
            Set<String> goodIds = new HashSet<>();
            Set<String> lateIds = new HashSet<>();
            for (GoodFlight g : good) {
                goodIds.add(g.event().getId());
                if (g.feedback().getFeedbackTime().isAfter(g.event().getEventTime().plus(WINDOW))) {
                    lateIds.add(g.event().getId());
                }
            }
            Set<String> exampleIds = new HashSet<>(goodIds);
            exampleIds.removeAll(lateIds);

            long heapBefore = heapAfterGc();
            resetPeaks();
            try (IngestHandle job = IngestJob.start(ingest);
                 FeedbackApp app = FeedbackApp.start(feedback, registry, new SimpleMeterRegistry())) {
                await("ingest running").atMost(Duration.ofSeconds(60)).until(() -> job.status() == JobStatus.RUNNING);
                await("feedback app running").atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);

                RecordMetadata[] sent = send(kafka.bootstrapServers(), outgoing);
                long feedbackHostile = hostile.stream().filter(h -> h.input() == Input.FEEDBACK).count();

                AvroCodec<Rejected> letters = AvroCodec.of(Rejected.class, registry);
                Tail<Letter> ingestDlq = new Tail<>(kafka.bootstrapServers(), topics.eventsDlq(), Letter.decoder(letters));
                Tail<Letter> feedbackDlq = new Tail<>(kafka.bootstrapServers(), feedback.deadLetterTopicName(),
                        Letter.decoder(letters));
                Tail<Object> features = new Tail<>(kafka.bootstrapServers(), topics.features(), null);
                Tail<Object> examples = new Tail<>(kafka.bootstrapServers(), topics.examples(), null);
                Tail<Object> late = new Tail<>(kafka.bootstrapServers(), topics.feedbackLate(), null);
                try (ingestDlq; feedbackDlq; features; examples; late) {
                    try {
                        await("every record through both stages").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                                .until(() -> {
                                    ingestDlq.poll();
                                    feedbackDlq.poll();
                                    features.poll();
                                    examples.poll();
                                    late.poll();
                                    log.info("{} of {} ingest dead letters, {} of {} feedback dead letters, {} features, {} examples,"
                                                    + " {} late", ingestDlq.size(), hostile.size(), feedbackDlq.size(), feedbackHostile,
                                            features.size(), examples.size(), late.size());
                                    return ingestDlq.size() >= hostile.size() && feedbackDlq.size() >= feedbackHostile
                                            && features.size() >= GOOD_FLIGHTS && examples.size() >= exampleIds.size()
                                            && late.size() >= lateIds.size();
                                });
                    } catch (ConditionTimeoutException e) {
                        // The accounting below says which records are missing.
                        log.error("Not everything came through: {}", e.getMessage());
                    }
                    // Anything late or extra would show within a few more polls.
                    for (int i = 0; i < 3; i++) {
                        ingestDlq.poll();
                        feedbackDlq.poll();
                        features.poll();
                        examples.poll();
                        late.poll();
                    }
                    long peakHeap = peakHeap();
                    long heapAfter = heapAfterGc();

                    Map<Kind, Counts> byKind = account(outgoing, sent, ingestDlq, feedbackDlq);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    writeReport(byKind, hostile.size(), examples.size(), late.size(), heapBefore, heapAfter, peakHeap, seconds,
                            job.status().name(), app.state().name());
                    assertThat(features.keyCounts()).as("one feature vector per good event, none for a bad one; %s",
                                    discrepancy(features.keyCounts(), goodIds))
                            .hasSize(GOOD_FLIGHTS).containsOnlyKeys(goodIds).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
                    assertThat(examples.keyCounts()).as("one example per good label within its window; %s",
                                    discrepancy(examples.keyCounts(), exampleIds))
                            .containsOnlyKeys(exampleIds).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
                    assertThat(late.keyCounts()).as("good labels later than the window after their flight, and nothing else; %s",
                                    discrepancy(late.keyCounts(), lateIds))
                            .containsOnlyKeys(lateIds).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));

                    assertThat(job.status()).as("ingest (restarts allowed: 0)").isEqualTo(JobStatus.RUNNING);
                    assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                    assertThat(feedbackErrors.list).as("stream threads replaced")
                            .noneMatch(e -> e.getLevel() == Level.ERROR);

                    byKind.forEach((kind, c) -> {
                        assertThat(c.mismatches).as("%s: dead letters missing or with another reason", kind).isEmpty();
                        assertThat(c.ingestFound).as("%s in %s", kind, topics.eventsDlq()).isEqualTo(c.total);
                        assertThat(c.feedbackFound).as("%s in %s", kind, feedback.deadLetterTopicName()).isEqualTo(c.onFeedback);
                    });
                    assertThat(ingestDlq.size()).as("dead letters in %s, each bad record once", topics.eventsDlq())
                            .isEqualTo(hostile.size());
                    assertThat(feedbackDlq.size()).as("dead letters in %s, each bad label once", feedback.deadLetterTopicName())
                            .isEqualTo(feedbackHostile);
                    assertThat(heapAfter - heapBefore).as("heap growth after GC, bytes").isLessThan(HEAP_GROWTH_BOUND);
                }
            }
        }
    }

    /** A dead letter as the accounting needs it: where its record was read, and why it was refused. */
    private record Letter(String source, String code, String reason) {
        static java.util.function.Function<ConsumerRecord<byte[], byte[]>, Letter> decoder(AvroCodec<Rejected> codec) {
            return r -> {
                Rejected rejected = codec.decode(r);
                String reason = rejected.getReason();
                return new Letter(rejected.getSourceTopic() + "/" + rejected.getSourcePartition() + "@" + rejected.getSourceOffset(),
                        rejected.getReasonCode(), reason.length() > 300 ? reason.substring(0, 300) + "..." : reason);
            };
        }
    }

    /** What was expected and found for one kind. */
    private static final class Counts {
        int total;
        int onFeedback;
        int ingestFound;
        int feedbackFound;
        final Map<String, Integer> variants = new LinkedHashMap<>();
        final Map<String, Integer> ingestReasons = new LinkedHashMap<>();
        final Map<String, Integer> feedbackReasons = new LinkedHashMap<>();
        final List<String> mismatches = new ArrayList<>();

        void mismatch(String text) {
            if (mismatches.size() < 10) {
                mismatches.add(text);
            }
        }
    }

    /** Matches every bad record with its dead letters by source topic, partition and offset. */
    private static Map<Kind, Counts> account(List<Outgoing> outgoing, RecordMetadata[] sent, Tail<Letter> ingestDlq,
                                             Tail<Letter> feedbackDlq) {
        Map<String, Letter> ingestBySource = bySource(ingestDlq.values());
        Map<String, Letter> feedbackBySource = bySource(feedbackDlq.values());
        Map<Kind, Counts> byKind = new EnumMap<>(Kind.class);
        for (int i = 0; i < outgoing.size(); i++) {
            Outgoing o = outgoing.get(i);
            String source = sent[i].topic() + "/" + sent[i].partition() + "@" + sent[i].offset();
            Letter ingestLetter = ingestBySource.remove(source);
            Letter feedbackLetter = feedbackBySource.remove(source);
            Hostile h = o.hostile();
            if (h == null) {
                if (ingestLetter != null || feedbackLetter != null) {
                    Letter r = ingestLetter != null ? ingestLetter : feedbackLetter;
                    throw new AssertionError("a good record was dead-lettered: " + source + " " + r.code() + " " + r.reason());
                }
                continue;
            }
            Counts c = byKind.computeIfAbsent(h.kind(), k -> new Counts());
            c.total++;
            c.variants.merge(h.variant(), 1, Integer::sum);
            if (ingestLetter == null) {
                c.mismatch(h.variant() + " at " + source + ": no dead letter from ingest");
            } else {
                c.ingestFound++;
                c.ingestReasons.merge(ingestLetter.code(), 1, Integer::sum);
                if (!ingestLetter.code().equals(h.ingestReason())) {
                    c.mismatch(h.variant() + " at " + source + ": ingest said " + ingestLetter.code() + " ("
                            + ingestLetter.reason() + "), expected " + h.ingestReason());
                }
            }
            if (h.input() == Input.FEEDBACK) {
                c.onFeedback++;
                if (feedbackLetter == null) {
                    c.mismatch(h.variant() + " at " + source + ": no dead letter from the feedback app");
                } else {
                    c.feedbackFound++;
                    c.feedbackReasons.merge(feedbackLetter.code(), 1, Integer::sum);
                    if (!feedbackLetter.code().equals(h.feedbackReason())) {
                        c.mismatch(h.variant() + " at " + source + ": the feedback app said " + feedbackLetter.code()
                                + " (" + feedbackLetter.reason() + "), expected " + h.feedbackReason());
                    }
                }
            }
        }
        assertThat(ingestBySource).as("ingest dead letters of no record written").isEmpty();
        assertThat(feedbackBySource).as("feedback dead letters of no record written").isEmpty();
        return byKind;
    }

    private static Map<String, Letter> bySource(List<Letter> letters) {
        Map<String, Letter> out = new HashMap<>();
        for (Letter l : letters) {
            out.put(l.source(), l);
        }
        return out;
    }

    /** The first {@code count} flights of the repository's sample, mapped as {@code factory produce} maps them. */
    private static List<GoodFlight> goodFlights(int count) throws Exception {
        Path data = Path.of("..", "data").toAbsolutePath().normalize();
        RowMapper mapper = new RowMapper(Mapping.read(data.resolve("flights.mapping.json")), "replay");
        List<GoodFlight> flights = new ArrayList<>(count);
        try (RowReader rows = RowReader.open(data.resolve("flights-200k.csv.gz"))) {
            while (rows.hasNext() && flights.size() < count) {
                RowReader.Row row = rows.next();
                if (row.ok()) {
                    RowMapper.Mapped m = mapper.map(row.number(), row.values());
                    flights.add(new GoodFlight(m.event(), m.feedback()));
                }
            }
        }
        assertThat(flights).hasSize(count);
        return flights;
    }

    /**
     * The good stream in its order (events by time with their predictions, labels by their time) with the bad records
     * at random places among it; each duplicate somewhere after the event it repeats.
     */
    private static List<Outgoing> mix(List<GoodFlight> good, HostileRecords generator, Topics topics, SchemaRegistry registry) {
        AvroCodec<Event> events = AvroCodec.of(Event.class, registry);
        AvroCodec<Feedback> labels = AvroCodec.of(Feedback.class, registry);
        AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class, registry);
        Random random = new Random(61);
        List<Outgoing> out = new ArrayList<>();
        Map<String, Double> positionOfId = new HashMap<>();
        List<GoodFlight> byLabelTime = new ArrayList<>(good);
        byLabelTime.sort(Comparator.comparing(g -> g.feedback().getFeedbackTime()));
        for (int i = 0; i < good.size(); i++) {
            Event e = good.get(i).event();
            double position = (i + 0.5) / good.size();
            positionOfId.put(e.getId(), position);
            byte[] key = e.getId().getBytes(StandardCharsets.UTF_8);
            out.add(new Outgoing(position, topics.events(), key, events.encode(e), null));
            Prediction p = Prediction.newBuilder().setEventId(e.getId()).setEventTime(e.getEventTime()).setScore(0.3)
                    .setModelName("flights").setModelVersion(1).setSpecVersion(2).setServedAt(java.time.Instant.now()).build();
            out.add(new Outgoing(position, topics.predictions(), key, predictions.encode(p), null));
            Feedback f = byLabelTime.get(i).feedback();
            out.add(new Outgoing(position, topics.feedback(), f.getEventId().getBytes(StandardCharsets.UTF_8), labels.encode(f), null));
        }
        COUNTS.forEach((kind, counts) -> {
            for (Input input : Input.values()) {
                int n = counts[input.ordinal()];
                if (n == 0) {
                    continue;
                }
                String topic = input == Input.EVENTS ? topics.events() : topics.feedback();
                for (Hostile h : generator.generate(kind, input, n, good)) {
                    double position = kind == Kind.DUPLICATE_ID
                            ? positionOfId.get(new String(h.key(), StandardCharsets.UTF_8)) + 1e-9
                            + random.nextDouble() * (1 - positionOfId.get(new String(h.key(), StandardCharsets.UTF_8)))
                            : random.nextDouble();
                    out.add(new Outgoing(position, topic, h.key(), h.value(), h));
                }
            }
        });
        out.sort(Comparator.comparingDouble(Outgoing::position));
        return out;
    }

    /** Sends everything in order; the metadata of record {@code i} at index {@code i}. */
    private static RecordMetadata[] send(String bootstrap, List<Outgoing> outgoing) {
        RecordMetadata[] sent = new RecordMetadata[outgoing.size()];
        AtomicReference<Exception> failure = new AtomicReference<>();
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < outgoing.size(); i++) {
                Outgoing o = outgoing.get(i);
                int index = i;
                producer.send(new ProducerRecord<>(o.topic(), o.key(), o.value()), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        sent[index] = metadata;
                    }
                });
            }
            producer.flush();
        }
        assertThat(failure.get()).as("send failure").isNull();
        return sent;
    }

    /** Heap in use after a full collection. */
    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks since {@link #resetPeaks()} (an upper bound of the peak heap in use). */
    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static void writeReport(Map<Kind, Counts> byKind, int bad, int examples, int late, long heapBefore,
                                    long heapAfter, long peakHeap, double seconds, String ingestStatus,
                                    String feedbackState) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("good_flights", GOOD_FLIGHTS);
        root.put("examples", examples);
        root.put("late_labels", late);
        root.put("bad_records", bad);
        root.put("kinds", byKind.size());
        root.put("seconds", Math.round(seconds * 10) / 10.0);
        root.put("heap_after_gc_before_mib", heapBefore >> 20);
        root.put("heap_after_gc_after_mib", heapAfter >> 20);
        root.put("heap_peak_mib", peakHeap >> 20);
        root.put("heap_max_mib", Runtime.getRuntime().maxMemory() >> 20);
        root.put("ingest_restarts_allowed", 0);
        root.put("ingest_status_at_end", ingestStatus);
        root.put("feedback_app_state_at_end", feedbackState);
        ObjectNode kinds = root.putObject("by_kind");
        byKind.forEach((kind, c) -> {
            ObjectNode k = kinds.putObject(kind.name());
            k.put("records", c.total);
            k.put("on_feedback", c.onFeedback);
            k.put("ingest_dead_letters", c.ingestFound);
            k.put("feedback_dead_letters", c.feedbackFound);
            k.put("mismatches", c.mismatches.size());
            if (!c.mismatches.isEmpty()) {
                k.set("first_mismatches", json.valueToTree(c.mismatches));
            }
            k.set("variants", json.valueToTree(c.variants));
            k.set("ingest_reasons", json.valueToTree(c.ingestReasons));
            k.set("feedback_reasons", json.valueToTree(c.feedbackReasons));
        });
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /** Reads a topic as it grows (read_committed), keeping what {@code decode} makes of each record, or keys only. */
    /** What differs between the keys seen and those expected once each, first in the description of a failure. */
    private static String discrepancy(Map<String, Integer> seen, Set<String> expected) {
        List<String> missing = expected.stream().filter(id -> !seen.containsKey(id)).sorted().toList();
        List<String> unexpected = seen.keySet().stream().filter(id -> !expected.contains(id)).sorted().toList();
        List<String> repeated = seen.entrySet().stream().filter(e -> e.getValue() != 1).map(e -> e.getKey() + " x" + e.getValue())
                .sorted().toList();
        return "missing " + missing.size() + " " + missing.stream().limit(5).toList() + ", unexpected " + unexpected.size() + " "
                + unexpected.stream().limit(5).toList() + ", repeated " + repeated.size() + " " + repeated.stream().limit(5).toList();
    }

    private static final class Tail<T> implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final java.util.function.Function<ConsumerRecord<byte[], byte[]>, T> decode;
        private final List<T> values = new ArrayList<>();
        private final Map<String, Integer> keyCounts = new ConcurrentHashMap<>();
        private int size;

        Tail(String bootstrap, String topic, java.util.function.Function<ConsumerRecord<byte[], byte[]>, T> decode) {
            this.decode = decode;
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Reads what has come since the last call, until a poll brings nothing. */
        void poll() {
            var records = consumer.poll(Duration.ofMillis(200));
            while (!records.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    size++;
                    if (decode != null) {
                        values.add(decode.apply(r));
                    } else {
                        keyCounts.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                }
                records = consumer.poll(Duration.ofMillis(50));
            }
        }

        int size() {
            return size;
        }

        List<T> values() {
            return values;
        }

        Map<String, Integer> keyCounts() {
            return keyCounts;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
