package ai.factory.feedback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;

import ai.factory.feedback.quality.ModelQuality;
import ai.factory.feedback.quality.ModelQualitySerde;
import ai.factory.feedback.quality.Outcome;
import ai.factory.feedback.quality.QualitySettings;
import ai.factory.records.QualityReport;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online quality per model version: applies each {@link Outcome} (keyed by model version) to that
 * version's {@link ModelQuality} and emits the reports it completes; time windows close once no more
 * judgements can arrive for them.
 *
 * <p>That is judged on the outcomes' timestamps, which are the join's {@link JoinClock}, rather than on the task's
 * stream time: where the join runs in the same task (as in a test driver), stream time would follow the
 * feedback input and close windows ahead of the judgements the join still owes.
 *
 * <p>State lives in three stores, the source of truth (everything is written as it changes, inside the task's
 * transaction): each version's header under its key, each of its panes under a key of its own (written when it
 * changes), and an index of the versions with time windows to report, by the end of the next one. So an outcome costs
 * the header and the one or two panes it changed, whatever the number of versions and panes kept, and a sweep reads
 * only the versions whose next window is due. The deserialized versions are cached, the most recently used
 * {@code cachedVersions} of them.
 */
final class QualityProcessor implements Processor<String, Outcome, String, QualityReport> {

    /** Header per version, key {@code <model>/<version>}. */
    static final String STORE = "feedback-quality";
    /** Panes per version (see {@link StoredPanes}). */
    static final String PANES_STORE = "feedback-quality-panes";
    /** Versions with time windows to report: key {@code <sortable end of the next one><model>/<version>}. */
    static final String DUE_STORE = "feedback-quality-due";
    static final int CACHED_VERSIONS = 32;

    private static final Logger log = LoggerFactory.getLogger(QualityProcessor.class);

    private final QualitySettings settings;
    private final long closeEvery;
    private final long lateness;
    private final FeedbackMetrics metrics;
    /** Deserialized versions, least recently used first; they hold nothing the stores do not. */
    private final Map<String, ModelQuality> cache;
    private ProcessorContext<String, QualityReport> context;
    private KeyValueStore<String, byte[]> headers;
    private KeyValueStore<String, byte[]> panes;
    private KeyValueStore<String, String> due;
    private boolean migrated;
    /**
     * Newest outcome timestamp this instance has seen, and that of its last sweep. Kept in memory: after a
     * restart the clock starts again at the next outcome, which can only close windows later, never wrongly.
     */
    private long clock = Long.MIN_VALUE;
    private long lastClose = Long.MIN_VALUE;
    /** Versions read from the stores by sweeps, for tests. */
    private long sweptVersions;

    /**
     * @param lateness how long after its label time a judgement can still arrive (the join's window and
     *                 grace: combined labels are only final when the event's window closes)
     */
    QualityProcessor(QualitySettings settings, Duration closeEvery, Duration lateness, FeedbackMetrics metrics) {
        this(settings, closeEvery, lateness, metrics, CACHED_VERSIONS);
    }

    QualityProcessor(QualitySettings settings, Duration closeEvery, Duration lateness, FeedbackMetrics metrics,
                     int cachedVersions) {
        this.settings = settings;
        this.closeEvery = Math.max(1, closeEvery.toMillis());
        this.lateness = lateness.toMillis();
        this.metrics = metrics;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ModelQuality> eldest) {
                return size() > cachedVersions;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, QualityReport> context) {
        this.context = context;
        this.headers = context.getStateStore(STORE);
        this.panes = context.getStateStore(PANES_STORE);
        this.due = context.getStateStore(DUE_STORE);
        cache.clear();
        migrated = false;
        clock = Long.MIN_VALUE;
        lastClose = Long.MIN_VALUE;
    }

    @Override
    public void process(Record<String, Outcome> record) {
        metrics.cost.tick();
        if (!migrated) {
            migrateWholeVersions();
            migrated = true;
        }
        Outcome outcome = record.value();
        String key = record.key();
        ModelQuality quality = load(key, outcome);
        OptionalLong dueBefore = quality.nextTimeWindowEnd(settings);
        List<QualityReport> reports = quality.apply(outcome, settings);
        save(key, quality, dueBefore);
        for (QualityReport report : reports) {
            send(key, report, record.timestamp());
        }
        if (record.timestamp() > clock) {
            clock = record.timestamp();
            if (lastClose == Long.MIN_VALUE || clock - lastClose >= closeEvery) {
                lastClose = clock;
                closeTimeWindows(clock);
            }
        }
    }

    private ModelQuality load(String key, Outcome outcome) {
        ModelQuality quality = cache.get(key);
        if (quality == null) {
            quality = read(key);
            if (quality != null && quality.task() != settings.task(outcome.modelName())) {
                // The operator changed the model's --task: its panes hold the other task's sums, which cannot be
                // judged as the new one, so the version's quality starts over.
                log.warn("Quality of {} was kept as {}, now configured {}: starting it over", key, quality.task(),
                        settings.task(outcome.modelName()));
                quality.nextTimeWindowEnd(settings).ifPresent(end -> due.delete(dueKey(end, key)));
                quality.deletePanes();
                quality = null;
            }
            if (quality == null) {
                quality = ModelQuality.create(outcome.modelName(), outcome.modelVersion(), settings,
                        new StoredPanes(panes, key));
            }
            cache.put(key, quality);
        }
        return quality;
    }

    private ModelQuality read(String key) {
        byte[] header = headers.get(key);
        return header == null ? null : ModelQualitySerde.deserialize(header, new StoredPanes(panes, key), settings);
    }

    /** Stores the header and moves the version in the due index when its next window end changed. */
    private void save(String key, ModelQuality quality, OptionalLong dueBefore) {
        headers.put(key, ModelQualitySerde.serialize(quality));
        OptionalLong dueAfter = quality.nextTimeWindowEnd(settings);
        if (!dueAfter.equals(dueBefore)) {
            dueBefore.ifPresent(end -> due.delete(dueKey(end, key)));
            dueAfter.ifPresent(end -> due.put(dueKey(end, key), key));
        }
    }

    /**
     * Splits the versions a format-3 app kept whole (one value each) into header and panes, and indexes those with
     * windows to report. Done once per processor, on its first outcome: by then the stores are restored, and writes
     * are part of the transaction. After the first time it only reads the headers' format bytes.
     */
    private void migrateWholeVersions() {
        List<KeyValue<String, byte[]>> whole = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = headers.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (ModelQualitySerde.isWholeVersion(entry.value)) {
                    whole.add(entry);
                }
            }
        }
        for (KeyValue<String, byte[]> entry : whole) {
            ModelQuality quality = ModelQualitySerde.deserialize(entry.value, new StoredPanes(panes, entry.key), settings);
            save(entry.key, quality, OptionalLong.empty());
        }
        if (!whole.isEmpty()) {
            log.info("Split the quality state of {} model versions into headers and panes (state format 3 to 4)",
                    whole.size());
        }
    }

    private void closeTimeWindows(long now) {
        long through = now - lateness;
        // Versions in key order, as a scan of the headers would give them.
        TreeSet<String> dueVersions = new TreeSet<>();
        // Every key of an end up to `through` sorts before the bare next end.
        String after = StoredPanes.sortable(Math.min(through, Long.MAX_VALUE - 1) + 1);
        try (KeyValueIterator<String, String> it = due.range(dueKey(Long.MIN_VALUE, ""), after)) {
            while (it.hasNext()) {
                dueVersions.add(it.next().value);
            }
        }
        for (String key : dueVersions) {
            ModelQuality quality = cache.get(key);
            if (quality == null) {
                quality = read(key);
                if (quality == null) {
                    continue;
                }
                cache.put(key, quality);
            }
            sweptVersions++;
            OptionalLong dueBefore = quality.nextTimeWindowEnd(settings);
            List<QualityReport> reports = quality.closeTimeWindows(through, settings);
            save(key, quality, dueBefore);
            for (QualityReport report : reports) {
                send(key, report, report.getWindowEnd().toEpochMilli());
            }
        }
    }

    /** Due index key: the end as sortable hex, then the version's key. */
    static String dueKey(long end, String version) {
        return StoredPanes.sortable(end) + version;
    }

    /** Deserialized versions held now. */
    int cachedVersions() {
        return cache.size();
    }

    /** Versions read by sweeps so far (each due version once per sweep). */
    long sweptVersions() {
        return sweptVersions;
    }

    private void send(String key, QualityReport report, long timestamp) {
        metrics.reports.increment();
        if (report.getDrift() != null) {
            metrics.driftAlarms.increment();
        }
        context.forward(new Record<>(key, report, timestamp));
    }
}
