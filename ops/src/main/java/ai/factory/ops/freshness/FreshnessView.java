package ai.factory.ops.freshness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.kafka.FoundRecord;
import ai.factory.ops.kafka.PositionReader;
import ai.factory.ops.kafka.ReadRequest;
import ai.factory.ops.kafka.TopicTail;
import ai.factory.ops.models.ModelVersionView;
import ai.factory.records.LabeledExample;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.UndecodableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The freshness chain of the releases shown: the newest feedback it trained on → its release → its first prediction,
 * in wall-clock time (the example's {@code joined_at}, the release's creation, the prediction's {@code served_at}); the
 * data's own clock (label and event times) only for the separate data-time lag.
 *
 * <p>A release's training ranges hold exactly the examples it learned since its parent, so the examples at the
 * ends of those ranges carry the newest feedback time it is the first release to include; they are read once,
 * when the release is first shown. First predictions come from following the predictions topic from the earliest
 * shown release's creation time on. State is kept for the shown releases only ({@link FreshnessLedger}).
 */
public final class FreshnessView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FreshnessView.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConnection connection;
    private final String predictionsTopic;
    private final AvroCodec<LabeledExample> examples;
    private final AvroCodec<Prediction> predictions;
    private final PositionReader reader;
    private final FreshnessLedger ledger = new FreshnessLedger();
    private TopicTail predictionTail;
    private long unreadable;

    public FreshnessView(KafkaConnection connection, String predictionsTopic, SchemaRegistry registry) {
        this.connection = connection;
        this.predictionsTopic = predictionsTopic;
        this.examples = AvroCodec.of(LabeledExample.class, registry);
        this.predictions = AvroCodec.of(Prediction.class, registry);
        this.reader = new PositionReader(connection, 8 << 20);
    }

    /**
     * Updates the chain for {@code releases} (the shown ones, a bounded list) and returns one row per release in
     * its order; releases no longer passed are forgotten.
     */
    public synchronized List<FreshnessRow> refresh(List<ModelVersionView> releases, Duration wait) {
        resolveFeedback(ledger.show(releases));
        followPredictions(releases, wait);
        return ledger.rows(releases);
    }

    /** Records that could not be decoded so far. */
    public synchronized long unreadable() {
        return unreadable;
    }

    private void resolveFeedback(List<ModelVersionView> releases) {
        Map<ReadRequest, ModelVersionView> requests = new HashMap<>();
        for (ModelVersionView r : releases) {
            for (ModelVersionView.TrainingRange range : r.trainingData()) {
                TopicPartition tp = new TopicPartition(range.topic(), range.partition());
                requests.put(new ReadRequest(tp, range.toOffset(), range.toOffset() + 1), r);
            }
        }
        if (requests.isEmpty()) {
            return;
        }
        Map<ModelVersionView, List<FreshnessLedger.FeedbackTimes>> labelTimes = new IdentityHashMap<>();
        releases.forEach(r -> labelTimes.put(r, new ArrayList<>()));
        Map<ReadRequest, Optional<FoundRecord>> found = reader.read(requests.keySet(), TIMEOUT);
        for (Map.Entry<ReadRequest, Optional<FoundRecord>> entry : found.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            ReadRequest request = entry.getKey();
            FoundRecord record = entry.getValue().get();
            try {
                LabeledExample example = examples.decode(new RecordSource(request.partition().topic(),
                        request.partition().partition(), record.offset()), record.value());
                labelTimes.get(requests.get(request)).add(new FreshnessLedger.FeedbackTimes(
                        example.getJoinedAt() == null ? null : example.getJoinedAt().toEpochMilli(),
                        example.getLabelTime().toEpochMilli()));
            } catch (UndecodableRecordException e) {
                unreadable++;
                log.warn("Cannot read the example a release names: {}", e.getMessage());
            }
        }
        labelTimes.forEach(ledger::lookedUp);
    }

    private void followPredictions(List<ModelVersionView> releases, Duration wait) {
        if (releases.isEmpty()) {
            return;
        }
        if (predictionTail == null) {
            long earliest = releases.stream().mapToLong(ModelVersionView::createdAt).min().orElseThrow();
            // Predictions are served after their release is built; start a minute early for clock skew.
            predictionTail = new TopicTail(connection, predictionsTopic, Math.max(1, earliest - 60_000), 8 << 20);
        }
        for (ConsumerRecord<byte[], byte[]> record : predictionTail.poll(wait, 100_000)) {
            if (record.value() == null) {
                continue;
            }
            try {
                Prediction p = predictions.decode(record);
                ledger.prediction(p.getModelName(), p.getModelVersion(), p.getServedAt().toEpochMilli(),
                        p.getEventTime().toEpochMilli());
            } catch (UndecodableRecordException e) {
                unreadable++;
                log.debug("Skipping unreadable prediction: {}", e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (predictionTail != null) {
            predictionTail.close();
        }
        reader.close();
    }
}
