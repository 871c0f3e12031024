package ai.factory.cli.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.records.Prediction;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ai.factory.trainer.evaluation.ProgressiveMetrics;
import ai.factory.trainer.evaluation.RegressionMetrics;
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
 * (committed records only, no consumer group) and keeps the numbers of the demo's live view and final report.
 */
public final class LoopObserver implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoopObserver.class);
    /** One event in this many is followed for latency and freshness, so memory stays small on the full data. */
    private static final int SAMPLE_EVERY = 16;

    private final Topics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroCodec<Prediction> predictions;
    private final AvroCodec<LabeledExample> examples;
    private final AvroCodec<ModelRelease> releases;

    private final Map<String, Long> eventSentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> feedbackSentAt = new ConcurrentHashMap<>();

    private final Set<String> predictedIds = new HashSet<>();
    private long predictionRecords;
    private long exampleCount;
    private long examplesServed;
    private long lateFeedback;
    private final boolean regression;
    private final ProgressiveMetrics progressive = new ProgressiveMetrics();
    private final RegressionMetrics regressionMetrics = new RegressionMetrics();
    private final Percentiles latencyMs = new Percentiles();
    private final Map<Long, Long> firstServedAt = new HashMap<>();
    private final Map<String, ModelRelease> latestByKey = new HashMap<>();
    private final Map<String, long[]> sampledExampleOffsets = new HashMap<>();
    private volatile boolean running = true;
    private double aucValue = Double.NaN;
    private int aucAtCount;

    /** @param regression judge numeric predictions (RMSE, MAE) instead of probabilities (log loss, AUC) */
    public LoopObserver(String bootstrap, Topics topics, SchemaRegistry registry, boolean regression) {
        this.topics = topics;
        this.regression = regression;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
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
            predictedIds.add(p.getEventId());
            firstServedAt.merge(p.getModelVersion(), p.getServedAt().toEpochMilli(), Math::min);
            Long sent = eventSentAt.remove(p.getEventId());
            if (sent != null) {
                latencyMs.add(p.getServedAt().toEpochMilli() - sent);
            }
        } else if (topic.equals(topics.examples())) {
            LabeledExample e = examples.decode(record);
            exampleCount++;
            if (e.getServedScore() != null) {
                examplesServed++;
                if (regression) {
                    regressionMetrics.add(e.getServedScore(), e.getLabel());
                } else {
                    progressive.add(e.getServedScore(), e.getLabel());
                }
            }
            if (sampled(e.getEventId())) {
                sampledExampleOffsets.put(e.getEventId(), new long[] {record.partition(), record.offset()});
            }
        } else if (topic.equals(topics.feedbackLate())) {
            lateFeedback++;
        } else if (record.value() != null) {
            latestByKey.put(record.key(), releases.decode(record));
        }
    }

    /** The numbers right now. */
    public synchronized Snapshot snapshot() {
        long champion = latestByKey.values().stream().filter(r -> r.getStatus() == ReleaseStatus.CHAMPION)
                .mapToLong(ModelRelease::getVersion).max().orElse(-1);
        return new Snapshot(predictionRecords, predictedIds.size(), exampleCount, examplesServed, lateFeedback,
                latestByKey.size(), champion, regression,
                regression ? regressionMetrics.count() : progressive.count(), progressive.logLoss(),
                progressive.constantLogLoss(), regression ? Double.NaN : auc(), progressive.accuracy(),
                regressionMetrics.rmse(), regressionMetrics.mae(), regressionMetrics.runningMeanRmse(),
                regressionMetrics.runningMeanMae(), latencyMs.quantile(0.5), latencyMs.quantile(0.99), freshness());
    }

    /** Examples the newest release (of any status) has trained on, its ancestors' included; -1 before any release. */
    public synchronized long releasedExamplesTrained() {
        return latestByKey.values().stream().mapToLong(ModelRelease::getExamplesTrained).max().orElse(-1L);
    }

    /** Exact AUC, recomputed only when the judged pairs grew by a tenth (it sorts every pair). */
    private double auc() {
        int judged = progressive.count();
        if (judged > 0 && judged >= aucAtCount * 1.1) {
            aucValue = progressive.auc();
            aucAtCount = judged;
        }
        return aucValue;
    }

    /** Exact AUC over every judged pair, for the final report. */
    public synchronized double finalAuc() {
        return regression || progressive.count() == 0 ? Double.NaN : progressive.auc();
    }

    /** Labels' arrival → first prediction served by the first release that trained on them, in seconds. */
    private Percentiles freshness() {
        TreeMap<Long, ModelRelease> byVersion = new TreeMap<>();
        latestByKey.values().forEach(r -> byVersion.put(r.getVersion(), r));
        Percentiles seconds = new Percentiles();
        sampledExampleOffsets.forEach((eventId, at) -> {
            Long arrived = feedbackSentAt.get(eventId);
            if (arrived == null) {
                return;
            }
            for (ModelRelease release : byVersion.values()) {
                if (trainedOn(release, (int) at[0], at[1])) {
                    Long served = firstServedAt.get(release.getVersion());
                    if (served != null) {
                        seconds.add((served - arrived) / 1000.0);
                    }
                    return;
                }
            }
        });
        return seconds;
    }

    private boolean trainedOn(ModelRelease release, int partition, long offset) {
        for (OffsetRange range : release.getTrainingData()) {
            if (range.getTopic().equals(topics.examples()) && range.getPartition() == partition
                    && range.getFromOffset() <= offset && offset <= range.getToOffset()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }

    /**
     * What the observer has seen so far. Binary models fill log loss, its constant base rate, AUC and accuracy;
     * regression models RMSE and MAE and those of the running mean; the other task's numbers are NaN.
     *
     * @param examplesServed examples that carry the prediction served for their event
     * @param judged         labelled predictions the online numbers are over
     */
    public record Snapshot(long predictionRecords, long predictedEvents, long examples, long examplesServed,
                           long lateFeedback, long releases, long championVersion, boolean regression,
                           long judged, double logLoss, double constantLogLoss, double auc, double accuracy,
                           double rmse, double mae, double runningMeanRmse, double runningMeanMae,
                           double latencyP50Ms, double latencyP99Ms, Percentiles freshnessSeconds) {

        /** The online loss the live view shows: log loss, or RMSE for regression. */
        public double loss() {
            return regression ? rmse : logLoss;
        }

        /** The baseline that loss must beat: the constant base rate, or the running mean. */
        public double baselineLoss() {
            return regression ? runningMeanRmse : constantLogLoss;
        }
    }
}
