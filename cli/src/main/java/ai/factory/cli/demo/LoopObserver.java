package ai.factory.cli.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.time.YearMonth;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import ai.factory.feedback.LateReason;
import ai.factory.feedback.quality.DelaySketch;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.records.Prediction;
import ai.factory.release.ReleaseFacts;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the loop from outside, as a subscriber would: reads predictions, examples, late feedback and model releases
 * (committed records only, no consumer group) and keeps the numbers of the demo's live view and final report. Every
 * figure is kept incrementally in bounded memory (sketches, a sample of events, a window of recent ids), so a run of
 * any length costs the same per record.
 */
public final class LoopObserver implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoopObserver.class);
    /** One event in this many is followed for latency and freshness, so memory stays small on the full data. */
    private static final int SAMPLE_EVERY = 16;
    /**
     * Predictions remembered to tell a repeated one from a new one. The scorer writes transactionally and this reads
     * committed records only, so repeats are not expected; were one to come further back than this, it would count twice.
     */
    private static final int RECENT_PREDICTIONS = 100_000;

    private final Topics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroCodec<Prediction> predictions;
    private final ExplanationCheck explanations = new ExplanationCheck();
    private final AvroCodec<LabeledExample> examples;
    private final AvroCodec<ModelRelease> releases;

    private final Map<String, Long> eventSentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> feedbackSentAt = new ConcurrentHashMap<>();

    private final Set<String> recentPredictions = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_PREDICTIONS;
        }
    });
    private long predictionRecords;
    private long repeatedPredictions;
    private long exampleCount;
    private long examplesServed;
    private long lateFeedback;
    private long unmatchedFeedback;
    private final boolean regression;
    private final OnlineQuality quality;
    private final DelaySketch latencyMs = new DelaySketch();
    private final Map<Long, Long> firstServedAt = new HashMap<>();
    // Releases by what the numbers need, never their ONNX bytes (thousands of releases in a long run): the ledger's
    // facts, the champion by its rule and the decisions as they arrive.
    private final Governance governance = new Governance();
    private long releasedExamplesTrained = -1;
    // Freshness, kept as the records come (each sampled example is looked at once, not at every refresh):
    private final Map<Integer, TreeMap<Long, Long>> labelArrivalAwaitingRelease = new HashMap<>(); // partition → offset → arrival
    private final Map<Integer, TreeMap<Long, long[]>> trainedRanges = new HashMap<>();             // partition → from → {to, version}
    private final Map<Long, List<Long>> arrivalsAwaitingServe = new HashMap<>();                    // version → arrivals
    private final DelaySketch freshnessMs = new DelaySketch();
    private volatile boolean running = true;

    /** @param regression judge numeric predictions (RMSE, MAE) instead of probabilities (log loss, AUC) */
    public LoopObserver(KafkaConnection connection, Topics topics, SchemaRegistry registry, boolean regression) {
        this.topics = topics;
        this.regression = regression;
        this.quality = new OnlineQuality(regression);
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(connection.clientConfig(props), new StringDeserializer(), new ByteArrayDeserializer());
        this.predictions = AvroCodec.of(Prediction.class, registry);
        this.examples = AvroCodec.of(LabeledExample.class, registry);
        this.releases = AvroCodec.of(ModelRelease.class, registry);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.predictions(), topics.examples(), topics.models(), topics.feedbackLate())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    static boolean sampled(String eventId) {
        return Math.floorMod(eventId.hashCode(), SAMPLE_EVERY) == 0;
    }

    /** The replay wrote this event now (wall clock). */
    public void eventSent(String eventId, long wallMillis) {
        if (sampled(eventId)) {
            eventSentAt.put(eventId, wallMillis);
        }
    }

    /** The replay wrote this event's feedback now (wall clock). */
    public void feedbackSent(String eventId, long wallMillis) {
        if (sampled(eventId)) {
            feedbackSentAt.put(eventId, wallMillis);
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    try {
                        take(record);
                    } catch (RuntimeException e) {
                        // One odd record must not blind the live view for the rest of the run.
                        log.warn("Observer skips {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void take(ConsumerRecord<String, byte[]> record) {
        String topic = record.topic();
        if (topic.equals(topics.predictions())) {
            Prediction p = predictions.decode(record);
            predictionRecords++;
            explanations.take(p);
            if (!recentPredictions.add(p.getEventId())) {
                repeatedPredictions++;
            }
            if (firstServedAt.putIfAbsent(p.getModelVersion(), p.getServedAt().toEpochMilli()) == null) {
                List<Long> waiting = arrivalsAwaitingServe.remove(p.getModelVersion());
                if (waiting != null) {
                    waiting.forEach(arrived -> freshnessMs.add(p.getServedAt().toEpochMilli() - arrived));
                }
            }
            Long sent = eventSentAt.remove(p.getEventId());
            if (sent != null) {
                latencyMs.add(p.getServedAt().toEpochMilli() - sent);
            }
        } else if (topic.equals(topics.examples())) {
            LabeledExample e = examples.decode(record);
            exampleCount++;
            if (e.getServedScore() != null) {
                examplesServed++;
                quality.add(e.getServedScore(), e.getLabel(), e.getFeatures().getEventTime().toEpochMilli(),
                        e.getLabelTime().toEpochMilli());
            }
            Long arrived = sampled(e.getEventId()) ? feedbackSentAt.remove(e.getEventId()) : null;
            if (arrived != null) {
                exampleArrived(record.partition(), record.offset(), arrived);
            }
        } else if (topic.equals(topics.feedbackLate())) {
            lateFeedback++;
            var reason = record.headers().lastHeader(LateReason.HEADER);
            if (reason != null && LateReason.UNMATCHED.equals(new String(reason.value(), StandardCharsets.UTF_8))) {
                unmatchedFeedback++;
            }
        } else if (record.value() == null) {
            governance.take(record.key(), null, record.offset());
        } else {
            release(record.key(), releases.decode(record), record.offset());
        }
    }

    /** A release record: its status and the decision it made, and, the first time, what it trained on. */
    private void release(String key, ModelRelease r, long offset) {
        int known = governance.releases();
        governance.take(key, ReleaseFacts.of(r), offset);
        releasedExamplesTrained = Math.max(releasedExamplesTrained, r.getExamplesTrained());
        if (governance.releases() == known) {
            return;
        }
        for (OffsetRange range : r.getTrainingData()) {
            if (!range.getTopic().equals(topics.examples())) {
                continue;
            }
            trainedRanges.computeIfAbsent(range.getPartition(), p -> new TreeMap<>())
                    .put(range.getFromOffset(), new long[] {range.getToOffset(), r.getVersion()});
            TreeMap<Long, Long> waiting = labelArrivalAwaitingRelease.get(range.getPartition());
            if (waiting != null) {
                SortedMap<Long, Long> trained = waiting.subMap(range.getFromOffset(), true, range.getToOffset(), true);
                trained.values().forEach(arrived -> trainedBy(r.getVersion(), arrived));
                trained.clear();
            }
        }
    }

    /** A sampled example whose label arrived at {@code arrived}: trained on by a release seen already, or waiting. */
    private void exampleArrived(int partition, long offset, long arrived) {
        TreeMap<Long, long[]> ranges = trainedRanges.get(partition);
        Map.Entry<Long, long[]> range = ranges == null ? null : ranges.floorEntry(offset);
        if (range != null) {
            // Offsets only grow within a partition: ranges before this one can match no later example.
            ranges.headMap(range.getKey(), false).clear();
        }
        if (range != null && offset <= range.getValue()[0]) {
            trainedBy(range.getValue()[1], arrived);
        } else {
            labelArrivalAwaitingRelease.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, arrived);
        }
    }

    /** The first release that trained on a label: freshness is its first prediction's time after the label's arrival. */
    private void trainedBy(long version, long arrived) {
        Long served = firstServedAt.get(version);
        if (served != null) {
            freshnessMs.add(served - arrived);
        } else {
            arrivalsAwaitingServe.computeIfAbsent(version, v -> new ArrayList<>()).add(arrived);
        }
    }

    /** The explanations checked so far. */
    public synchronized ExplanationCheck.Summary explanations() {
        return explanations.summary();
    }

    /** The numbers right now. */
    public synchronized Snapshot snapshot() {
        Governance.Summary decisions = governance.summary();
        DelaySketch freshness = new DelaySketch();
        freshness.addAll(freshnessMs);
        return new Snapshot(predictionRecords, predictionRecords - repeatedPredictions, exampleCount, examplesServed,
                lateFeedback, unmatchedFeedback, decisions.releases(), decisions.championVersion(), regression, quality.overall(),
                latencyMs.count() == 0 ? Double.NaN : latencyMs.quantile(0.5),
                latencyMs.count() == 0 ? Double.NaN : latencyMs.quantile(0.99),
                latencyMs.count() == 0 ? Double.NaN : latencyMs.quantile(0.999), freshness, decisions);
    }

    /** Examples the newest release (of any status) has trained on, its ancestors' included; -1 before any release. */
    public synchronized long releasedExamplesTrained() {
        return releasedExamplesTrained;
    }

    /** The online figures per month of event time, oldest first. */
    public synchronized Map<YearMonth, OnlineQuality.Figures> qualityByMonth() {
        return quality.byMonth();
    }

    /** The online loss against examples judged (see {@link OnlineQuality#curve()}). */
    public synchronized List<LearningCurve.Point> learningCurve() {
        return quality.curve().points();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }

    /**
     * What the observer has seen so far.
     *
     * @param predictedEvents   prediction records less the repeats seen (see {@link #RECENT_PREDICTIONS})
     * @param examplesServed    examples that carry the prediction served for their event
     * @param unmatchedFeedback late feedback for which nothing was served within the window (of lateFeedback)
     * @param quality           the online figures over every labelled prediction so far
     * @param freshnessMs       label arrival → first prediction by a release trained on it, over the sampled events
     * @param championVersion   the champion by the {@link ai.factory.release.ReleaseLedger}'s rule, -1 for none
     * @param governance        the model decisions seen (promotions, rejections, rollbacks, the recent ones)
     */
    public record Snapshot(long predictionRecords, long predictedEvents, long examples, long examplesServed,
                           long lateFeedback, long unmatchedFeedback, long releases, long championVersion, boolean regression,
                           OnlineQuality.Figures quality, double latencyP50Ms, double latencyP99Ms, double latencyP999Ms,
                           DelaySketch freshnessMs, Governance.Summary governance) {

        /** The online loss the live view shows: log loss, or RMSE for regression. */
        public double loss() {
            return regression ? quality.rmse() : quality.logLoss();
        }

        /** The baseline that loss must beat: the constant base rate, or the running mean. */
        public double baselineLoss() {
            return regression ? quality.runningMeanRmse() : quality.constantLogLoss();
        }
    }
}
