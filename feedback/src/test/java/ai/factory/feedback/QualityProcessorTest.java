package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import ai.factory.feedback.quality.Outcome;
import ai.factory.feedback.quality.OutcomeSerde;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.InMemorySchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link QualityProcessor} alone on a TopologyTestDriver: what it reads, keeps and writes per outcome. */
class QualityProcessorTest {

    private static final long MINUTE = 60_000;
    private static final Duration HOUR = Duration.ofHours(1);
    private static final String[] STORES = {QualityProcessor.STORE, QualityProcessor.PANES_STORE, QualityProcessor.DUE_STORE};

    @TempDir
    Path state;

    /**
     * 2,000 versions with open time windows, then a long run of one version: at most {@code CACHED_VERSIONS} versions
     * are held, the one sweep that closes the 2,000 windows reads each of them once, and after that a sweep reads a
     * version only when it has a window to report.
     */
    @Test
    void versionsCostNothingPerSweepOnceTheirWindowsAreClosed() {
        try (Driver d = new Driver(state.resolve("a"), QualitySettings.defaults(), HOUR, QualityProcessor.CACHED_VERSIONS)) {
            for (int v = 0; v < 2000; v++) {
                long t = T0 + v * 1000L;
                d.pipe(Outcome.judged("m", v, 0.7, v % 2, t - 1000, t, false), t);
                assertThat(d.processor.cachedVersions()).isLessThanOrEqualTo(QualityProcessor.CACHED_VERSIONS);
            }
            assertThat(d.processor.sweptVersions()).as("no window is due yet").isZero();
            assertThat(d.entries(QualityProcessor.DUE_STORE)).isEqualTo(2000);

            long later = T0 + 10 * HOUR.toMillis();
            d.pipe(Outcome.served("m", 5000, later), later);
            assertThat(d.processor.sweptVersions()).isEqualTo(2000);
            // Each version's one pane is in the four sliding windows that end within the hour after it.
            assertThat(d.reports.readValuesToList()).hasSize(4 * 2000);
            assertThat(d.entries(QualityProcessor.DUE_STORE)).isZero();
            assertThat(d.processor.cachedVersions()).isLessThanOrEqualTo(QualityProcessor.CACHED_VERSIONS);

            for (int i = 1; i <= 400; i++) {
                long t = later + i * MINUTE;
                d.pipe(Outcome.judged("m", 5000, 0.7, i % 2, t - MINUTE, t, false), t);
            }
            List<QualityReport> hot = d.reports.readValuesToList();
            assertThat(hot).extracting(QualityReport::getModelVersion).containsOnly(5000L);
            long timeReports = hot.stream().filter(r -> r.getWindow().equals("time:PT1H")).count();
            // Every sweep that read a version reported a window of it: the 2,000 closed ones were never read again.
            assertThat(d.processor.sweptVersions() - 2000).isBetween(1L, timeReports);
            assertThat(d.processor.cachedVersions()).isLessThanOrEqualTo(QualityProcessor.CACHED_VERSIONS);
        }
    }

    /**
     * Stopped mid-stream and restored from its changelogs (what a restarted app, or one whose transaction aborted, reads
     * back), the processor goes on to report exactly what an uninterrupted one does: nothing lives only in memory.
     * Four cached versions out of 30 make it read evicted versions back from the stores all along.
     */
    @Test
    void aProcessorRestoredFromItsChangelogsReportsWhatAnUninterruptedOneDoes() {
        QualitySettings settings = QualitySettings.defaults().withCountWindow(40);
        List<KeyValue<Long, Outcome>> outcomes = mixedOutcomes(30, 3000);
        int stop = 1700;

        List<KeyValue<String, QualityReport>> uninterrupted;
        try (Driver d = new Driver(state.resolve("a"), settings, HOUR, 4)) {
            outcomes.forEach(o -> d.pipe(o.value, o.key));
            uninterrupted = d.reports.readKeyValuesToList();
        }
        List<KeyValue<String, QualityReport>> interrupted;
        List<TestRecord<byte[], byte[]>>[] changelogs;
        try (Driver d = new Driver(state.resolve("b"), settings, HOUR, 4)) {
            outcomes.subList(0, stop).forEach(o -> d.pipe(o.value, o.key));
            interrupted = new ArrayList<>(d.reports.readKeyValuesToList());
            changelogs = d.changelogs();
        }
        try (Driver d = new Driver(state.resolve("c"), settings, HOUR, 4)) {
            d.restore(changelogs);
            outcomes.subList(stop, outcomes.size()).forEach(o -> d.pipe(o.value, o.key));
            interrupted.addAll(d.reports.readKeyValuesToList());
        }
        assertThat(uninterrupted).hasSizeGreaterThan(200);
        assertThat(uninterrupted.stream().map(r -> r.value.getWindow()).distinct()).contains("count:40", "time:PT1H");
        assertThat(interrupted).isEqualTo(uninterrupted);
    }

    /**
     * A version kept as binary and now configured as regression starts its quality over: its old panes and its entry in
     * the due index are deleted, and its reports are regression reports of the new judgements only.
     */
    @Test
    void aVersionWhoseTaskChangedStartsOverWithoutItsOldPanes() {
        QualitySettings binary = QualitySettings.defaults().withCountWindow(40);
        List<TestRecord<byte[], byte[]>>[] changelogs;
        try (Driver d = new Driver(state.resolve("binary"), binary, HOUR, 32)) {
            for (int i = 0; i < 30; i++) {
                long t = T0 + i * MINUTE;
                d.pipe(Outcome.judged("m", 1, 0.7, i % 2, t - MINUTE, t, false), t);
            }
            // Three finished count panes (the open one is empty), time panes at 0 and 15 minutes.
            assertThat(d.entries(QualityProcessor.PANES_STORE)).isEqualTo(3 + 2);
            assertThat(d.entries(QualityProcessor.DUE_STORE)).isEqualTo(1);
            changelogs = d.changelogs();
        }
        QualitySettings regression = binary.withTasks(QualityTasks.parse(List.of("regression")));
        try (Driver d = new Driver(state.resolve("regression"), regression, HOUR, 32)) {
            d.restore(changelogs);
            for (int i = 0; i < 10; i++) {
                long t = T0 + (60 + i) * MINUTE;
                d.pipe(Outcome.judged("m", 1, 12, 10, t - MINUTE, t, false), t);
            }
            // One count pane (just finished) and one time pane (60 minutes), one due entry: nothing of the old.
            assertThat(d.entries(QualityProcessor.PANES_STORE)).isEqualTo(2);
            assertThat(d.entries(QualityProcessor.DUE_STORE)).isEqualTo(1);
            List<QualityReport> reports = d.reports.readValuesToList();
            assertThat(reports).hasSize(1).allSatisfy(r -> {
                assertThat(r.getTask()).isEqualTo(QualityTask.REGRESSION);
                assertThat(r.getCount()).isEqualTo(10L);
                assertThat(r.getRmse()).isEqualTo(2.0);
            });
        }
    }

    /**
     * The bytes one outcome writes to the stores (their changelogs) are the same whether its version keeps 2 or 50 time
     * panes (windows that never close, as with the demo's unbounded lateness).
     */
    @Test
    void bytesWrittenPerOutcomeDoNotGrowWithThePanesKept() {
        long two = bytesWrittenByOneOutcome(2);
        long fifty = bytesWrittenByOneOutcome(50);
        assertThat(two).isPositive();
        assertThat(fifty).isEqualTo(two);
    }

    private long bytesWrittenByOneOutcome(int timePanes) {
        QualitySettings settings = QualitySettings.defaults().withCountWindow(1_000_000);
        long hop = settings.timeHopMillis();
        try (Driver d = new Driver(state.resolve("panes-" + timePanes), settings, Duration.ofDays(36_525), 32)) {
            // The same judgements in every pane, so every pane's form has the same size.
            for (int p = 0; p < timePanes; p++) {
                for (int i = 0; i < 20; i++) {
                    long t = T0 + p * hop + i;
                    d.pipe(Outcome.judged("m", 1, i / 20.0, i % 2, T0 + p * hop, t, false), t);
                }
            }
            assertThat(d.entries(QualityProcessor.PANES_STORE)).isEqualTo(timePanes + 1);
            d.changelogs();
            long t = T0 + timePanes * hop;
            d.pipe(Outcome.judged("m", 1, 0.5, 1, T0, T0 + 5, false), t);
            long bytes = 0;
            for (List<TestRecord<byte[], byte[]>> changelog : d.changelogs()) {
                for (TestRecord<byte[], byte[]> r : changelog) {
                    bytes += r.key().length + (r.value() == null ? 0 : r.value().length);
                }
            }
            return bytes;
        }
    }

    /**
     * Outcomes of {@code versions} versions at once, one event a minute served by a random version, judged (or now and
     * then expired, or late) within the next hour; timestamped with the newest event time, as the join clock would.
     */
    private static List<KeyValue<Long, Outcome>> mixedOutcomes(int versions, int events) {
        Random random = new Random(17);
        List<KeyValue<Long, Outcome>> outcomes = new ArrayList<>();
        List<Outcome> pending = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            long now = T0 + i * MINUTE;
            int v = random.nextInt(versions);
            outcomes.add(KeyValue.pair(now, Outcome.served("m", v, now)));
            double score = random.nextDouble();
            long labelTime = now + random.nextInt(60) * MINUTE;
            pending.add(switch (random.nextInt(20)) {
                case 0 -> Outcome.expired("m", v, now, now + HOUR.toMillis());
                case 1 -> Outcome.late("m", v, now, labelTime);
                default -> Outcome.judged("m", v, score, random.nextDouble() < score ? 1 : 0, now, labelTime, false);
            });
            // A judgement comes once the clock has passed its time (late feedback: its event's window end).
            for (int k = 0; k < pending.size(); k++) {
                Outcome o = pending.get(k);
                long due = o.kind() == Outcome.Kind.LATE ? o.eventTime() + HOUR.toMillis() : o.time();
                if (due <= now) {
                    outcomes.add(KeyValue.pair(now, o));
                    pending.remove(k--);
                }
            }
        }
        return outcomes;
    }

    /** The quality processor between an outcomes topic and a reports topic, with the app's stores. */
    private static final class Driver implements AutoCloseable {

        final TopologyTestDriver driver;
        final TestInputTopic<String, Outcome> outcomes;
        final TestOutputTopic<String, QualityReport> reports;
        final String applicationId;
        QualityProcessor processor;

        Driver(Path stateDir, QualitySettings settings, Duration lateness, int cachedVersions) {
            FeedbackOptions options = FeedbackOptions.defaults(KafkaConnection.of("unused:9092")).withQuality(settings)
                    .withState(stateDir, true);
            applicationId = options.applicationId();
            InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
            Topology topology = new Topology();
            topology.addSource("outcomes", Serdes.String().deserializer(), new OutcomeSerde().serde().deserializer(),
                    "outcomes");
            topology.addProcessor("quality", () -> processor = new QualityProcessor(settings, Duration.ofMillis(1),
                    lateness, new FeedbackMetrics(new SimpleMeterRegistry()), cachedVersions), "outcomes");
            for (StoreBuilder<?> store : FeedbackTopology.qualityStores(options)) {
                topology.addStateStore(store, "quality");
            }
            AvroSerde<QualityReport> reportSerde = AvroSerde.of(QualityReport.class, registry);
            topology.addSink("reports-out", "reports", Serdes.String().serializer(), reportSerde, "quality");
            Properties props = FeedbackTopology.streamsConfig(options);
            driver = new TopologyTestDriver(topology, props);
            outcomes = driver.createInputTopic("outcomes", new StringSerializer(), new OutcomeSerde().serde().serializer());
            reports = driver.createOutputTopic("reports", new StringDeserializer(), reportSerde);
        }

        void pipe(Outcome outcome, long timestamp) {
            outcomes.pipeInput(outcome.modelKey(), outcome, timestamp);
        }

        /** Entries in one of the stores. */
        int entries(String store) {
            int n = 0;
            try (KeyValueIterator<String, Object> it = driver.<String, Object>getKeyValueStore(store).all()) {
                for (; it.hasNext(); it.next()) {
                    n++;
                }
            }
            return n;
        }

        /** What was written to each store's changelog since the last call, in order. */
        @SuppressWarnings("unchecked")
        List<TestRecord<byte[], byte[]>>[] changelogs() {
            List<TestRecord<byte[], byte[]>>[] records = new List[STORES.length];
            for (int s = 0; s < STORES.length; s++) {
                records[s] = driver.createOutputTopic(applicationId + "-" + STORES[s] + "-changelog",
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
            }
            return records;
        }

        /** Puts the changelogs' records into the (empty) stores, as Streams restores them. */
        void restore(List<TestRecord<byte[], byte[]>>[] changelogs) {
            for (int s = 0; s < STORES.length; s++) {
                boolean strings = STORES[s].equals(QualityProcessor.DUE_STORE);
                KeyValueStore<String, Object> store = driver.getKeyValueStore(STORES[s]);
                for (TestRecord<byte[], byte[]> r : changelogs[s]) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        store.delete(key);
                    } else {
                        store.put(key, strings ? new String(r.value(), StandardCharsets.UTF_8) : r.value());
                    }
                }
            }
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
