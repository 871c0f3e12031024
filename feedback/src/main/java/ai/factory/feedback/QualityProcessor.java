package ai.factory.feedback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.feedback.quality.ModelQuality;
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
 */
final class QualityProcessor implements Processor<String, Outcome, String, QualityReport> {

    static final String STORE = "feedback-quality";

    private static final Logger log = LoggerFactory.getLogger(QualityProcessor.class);

    private final QualitySettings settings;
    private final long closeEvery;
    private final long lateness;
    private final FeedbackMetrics metrics;
    /** Deserialized states of this task; the store stays the source of truth (written on every change). */
    private final Map<String, ModelQuality> cache = new HashMap<>();
    private ProcessorContext<String, QualityReport> context;
    private KeyValueStore<String, ModelQuality> store;
    /**
     * Newest outcome timestamp this instance has seen, and that of its last sweep. Kept in memory: after a
     * restart the clock starts again at the next outcome, which can only close windows later, never wrongly.
     */
    private long clock = Long.MIN_VALUE;
    private long lastClose = Long.MIN_VALUE;

    /**
     * @param lateness how long after its label time a judgement can still arrive (the join's window and
     *                 grace: combined labels are only final when the event's window closes)
     */
    QualityProcessor(QualitySettings settings, Duration closeEvery, Duration lateness, FeedbackMetrics metrics) {
        this.settings = settings;
        this.closeEvery = Math.max(1, closeEvery.toMillis());
        this.lateness = lateness.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, QualityReport> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        cache.clear();
        clock = Long.MIN_VALUE;
        lastClose = Long.MIN_VALUE;
    }

    @Override
    public void process(Record<String, Outcome> record) {
        Outcome outcome = record.value();
        String key = record.key();
        ModelQuality quality = load(key, outcome);
        List<QualityReport> reports = quality.apply(outcome, settings);
        store.put(key, quality);
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
            quality = store.get(key);
            if (quality != null && quality.task() != settings.task(outcome.modelName())) {
                // The operator changed the model's --task: its panes hold the other task's sums, which cannot be
                // judged as the new one, so the version's quality starts over.
                log.warn("Quality of {} was kept as {}, now configured {}: starting it over", key, quality.task(),
                        settings.task(outcome.modelName()));
                quality = null;
            }
            if (quality == null) {
                quality = ModelQuality.create(outcome.modelName(), outcome.modelVersion(), settings);
            }
            cache.put(key, quality);
        }
        return quality;
    }

    private void closeTimeWindows(long now) {
        long through = now - lateness;
        List<KeyValue<String, ModelQuality>> open = new ArrayList<>();
        try (KeyValueIterator<String, ModelQuality> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ModelQuality> entry = it.next();
                ModelQuality quality = cache.getOrDefault(entry.key, entry.value);
                if (quality.hasOpenTimeWindows()) {
                    open.add(KeyValue.pair(entry.key, quality));
                }
            }
        }
        for (KeyValue<String, ModelQuality> entry : open) {
            List<QualityReport> reports = entry.value.closeTimeWindows(through, settings);
            if (!reports.isEmpty()) {
                cache.put(entry.key, entry.value);
                store.put(entry.key, entry.value);
                for (QualityReport report : reports) {
                    send(entry.key, report, report.getWindowEnd().toEpochMilli());
                }
            }
        }
    }

    private void send(String key, QualityReport report, long timestamp) {
        metrics.reports.increment();
        if (report.getDrift() != null) {
            metrics.driftAlarms.increment();
        }
        context.forward(new Record<>(key, report, timestamp));
    }
}
