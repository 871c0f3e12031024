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
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Online quality per model version: applies each {@link Outcome} (keyed by model version) to that
 * version's {@link ModelQuality} and emits the reports it completes; stream-time punctuation closes the
 * time windows once no more judgements can arrive for them.
 */
final class QualityProcessor implements Processor<String, Outcome, String, QualityReport> {

    static final String STORE = "feedback-quality";

    private final QualitySettings settings;
    private final Duration punctuateEvery;
    private final long lateness;
    private final FeedbackMetrics metrics;
    /** Deserialized states of this task; the store stays the source of truth (written on every change). */
    private final Map<String, ModelQuality> cache = new HashMap<>();
    private ProcessorContext<String, QualityReport> context;
    private KeyValueStore<String, ModelQuality> store;

    /**
     * @param lateness how long after its label time a judgement can still arrive (the join's window and
     *                 grace: combined labels are only final when the event's window closes)
     */
    QualityProcessor(QualitySettings settings, Duration punctuateEvery, Duration lateness, FeedbackMetrics metrics) {
        this.settings = settings;
        this.punctuateEvery = punctuateEvery;
        this.lateness = lateness.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, QualityReport> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        cache.clear();
        context.schedule(punctuateEvery, PunctuationType.STREAM_TIME, this::closeTimeWindows);
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
    }

    private ModelQuality load(String key, Outcome outcome) {
        ModelQuality quality = cache.get(key);
        if (quality == null) {
            quality = store.get(key);
            if (quality == null) {
                quality = ModelQuality.create(outcome.modelName(), outcome.modelVersion(), settings);
            }
            cache.put(key, quality);
        }
        return quality;
    }

    private void closeTimeWindows(long streamTime) {
        long through = streamTime - lateness;
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
