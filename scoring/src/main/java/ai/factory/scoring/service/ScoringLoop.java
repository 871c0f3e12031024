package ai.factory.scoring.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import ai.factory.deadletter.DeadLetters;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;
import ai.factory.records.Rejected;
import ai.factory.scoring.model.BatchInputs;
import ai.factory.scoring.model.ModelSession;
import ai.factory.scoring.model.SeenShapes;
import ai.factory.scoring.model.ServingModels;
import ai.factory.scoring.release.SpecKey;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.UndecodableRecordException;
import ai.onnxruntime.OrtException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop of one scorer instance: polls feature vectors, scores them in micro-batches with the champion
 * of their spec, writes predictions (and challenger scores to the shadow topic), dead-letters what cannot be
 * scored, and commits only offsets whose outputs the broker has acknowledged. At least once: a crash or a send
 * failure re-scores from the last commit; a rebalance commits the handled offsets of the revoked partitions first,
 * so their new owner neither loses nor repeats them.
 */
public final class ScoringLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ScoringLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final String REJECTED_BY = "scoring";

    private final LoopSettings settings;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final AvroCodec<FeatureVector> vectors;
    private final AvroCodec<Prediction> predictions;
    private final AvroCodec<Rejected> rejections;
    private final ServingModels models;
    private final SeenShapes shapes;
    private final ScoringMetrics metrics;

    private final PendingRecords pending = new PendingRecords();
    private final OffsetTracker offsets = new OffsetTracker();
    private final BatchAssembler assembler;
    private final BatchInputs inputs = new BatchInputs();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final Set<SpecKey> reportedWaiting = new HashSet<>();
    private Set<TopicPartition> waiting = Set.of();
    private long deadlineNanos = Long.MAX_VALUE;
    private long lastCommitNanos = System.nanoTime();
    private volatile Set<TopicPartition> assigned = Set.of();
    private volatile boolean stopping;

    public ScoringLoop(LoopSettings settings, Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
                       AvroCodec<FeatureVector> vectors, AvroCodec<Prediction> predictions, AvroCodec<Rejected> rejections,
                       ServingModels models, SeenShapes shapes, ScoringMetrics metrics) {
        this.settings = settings;
        this.consumer = consumer;
        this.producer = producer;
        this.vectors = vectors;
        this.predictions = predictions;
        this.rejections = rejections;
        this.models = models;
        this.shapes = shapes;
        this.metrics = metrics;
        this.assembler = new BatchAssembler(settings.maxBatch(), settings.maxWait().toNanos());
    }

    /** The partitions this instance owns, as of the last rebalance; safe to read from any thread. */
    public Set<TopicPartition> assignment() {
        return assigned;
    }

    /** Asks the loop to finish: it stops polling, commits what it handled and closes its clients. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(settings.featuresTopic()), new Rebalance());
        try {
            while (!stopping) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout());
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    pending.add(decode(record, now));
                }
                drain();
                pace();
                if (System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos()) {
                    commit(consumer.assignment());
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } finally {
            shutDown();
        }
    }

    private Duration pollTimeout() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return IDLE_POLL;
        }
        long untilDue = deadlineNanos - System.nanoTime();
        return untilDue <= 0 ? Duration.ZERO : Duration.ofNanos(Math.min(untilDue, IDLE_POLL.toNanos()));
    }

    private Pending decode(ConsumerRecord<String, byte[]> record, long now) {
        try {
            return Pending.readable(record, vectors.decode(record), now);
        } catch (UndecodableRecordException e) {
            return Pending.unreadable(record, new Problem(Problem.UNDECODABLE, e.getMessage()), now);
        }
    }

    /** Handles every dead letter and every batch that is due. */
    private void drain() {
        while (true) {
            BatchAssembler.Work work = assembler.next(pending, spec -> models.peek(spec, ServingModels.Role.CHAMPION), System.nanoTime());
            work.deadLetters().forEach(d -> deadLetter(d.pending(), d.problem()));
            waiting = work.waiting();
            deadlineNanos = work.deadlineNanos();
            reportWaiting(work.waitingSpecs());
            if (work.batch() == null) {
                return;
            }
            score(work.batch());
        }
    }

    private void score(BatchAssembler.Batch batch) {
        Optional<ModelSession> held = models.acquire(batch.spec(), ServingModels.Role.CHAMPION);
        if (held.isEmpty()) {
            // The champion was removed after the batch was assembled: the rows wait like any other.
            pending.putBack(batch.rows());
            return;
        }
        ModelSession model = held.get();
        try {
            List<Pending> rows = fill(batch.rows(), model);
            if (rows.isEmpty()) {
                return;
            }
            long start = System.nanoTime();
            float[] scores;
            try {
                scores = model.score(inputs);
            } catch (OrtException | RuntimeException e) {
                log.warn("Batch of {} rows failed on {} ({}); scoring its rows one by one", rows.size(), model.release(), e.getMessage());
                scoreOneByOne(rows, model);
                return;
            }
            metrics.served(rows.size(), Duration.ofNanos(System.nanoTime() - start));
            publish(rows, scores, model, settings.predictionsTopic());
            shapes.observe(batch.spec(), model.shape());
            if (settings.shadow()) {
                shadow(batch.spec(), rows);
            }
        } finally {
            model.letGo();
        }
    }

    /** Fills the input buffers with the rows that fit {@code model}; the others are dead-lettered. */
    private List<Pending> fill(List<Pending> candidates, ModelSession model) {
        inputs.reset(model.shape(), candidates.size());
        List<Pending> rows = new ArrayList<>(candidates.size());
        for (Pending row : candidates) {
            // The champion may have been swapped since assembly; a new one of the same spec normally takes the same widths.
            Optional<Problem> problem = VectorCheck.check(row.vector(), model);
            if (problem.isPresent()) {
                deadLetter(row, problem.get());
            } else {
                inputs.add(row.vector().getDense(), row.vector().getSparse());
                rows.add(row);
            }
        }
        return rows;
    }

    private void scoreOneByOne(List<Pending> rows, ModelSession model) {
        for (Pending row : rows) {
            inputs.reset(model.shape(), 1);
            inputs.add(row.vector().getDense(), row.vector().getSparse());
            try {
                float[] score = model.score(inputs);
                publish(List.of(row), score, model, settings.predictionsTopic());
            } catch (OrtException | RuntimeException e) {
                deadLetter(row, new Problem(Problem.SCORING_FAILED, model.release() + " cannot score it: " + e.getMessage()));
            }
        }
    }

    /** Scores the batch with the challenger, if one is installed; its failures never touch the champion's output. */
    private void shadow(SpecKey spec, List<Pending> rows) {
        Optional<ModelSession> held = models.acquire(spec, ServingModels.Role.CHALLENGER);
        if (held.isEmpty()) {
            return;
        }
        ModelSession challenger = held.get();
        try {
            if (!challenger.shape().equals(inputs.shape())) {
                return;
            }
            float[] scores = challenger.score(inputs);
            publish(rows, scores, challenger, settings.shadowTopic());
            metrics.shadowServed(rows.size());
        } catch (OrtException | RuntimeException e) {
            log.warn("Challenger {} failed on a batch of {} rows: {}", challenger.release(), rows.size(), e.getMessage());
        } finally {
            challenger.letGo();
        }
    }

    private void publish(List<Pending> rows, float[] scores, ModelSession model, String topic) {
        boolean champion = topic.equals(settings.predictionsTopic());
        Instant servedAt = Instant.now();
        long now = System.nanoTime();
        for (int i = 0; i < rows.size(); i++) {
            Pending row = rows.get(i);
            FeatureVector vector = row.vector();
            Prediction prediction = Prediction.newBuilder()
                    .setEventId(vector.getEventId())
                    .setEventTime(vector.getEventTime())
                    .setScore(scores[i])
                    .setModelName(model.release().modelName())
                    .setModelVersion(model.release().version())
                    .setSpecVersion(vector.getSpecVersion())
                    .setServedAt(servedAt)
                    .build();
            producer.send(new ProducerRecord<>(topic, row.key(), predictions.encode(prediction)), onFailure(topic));
            if (champion) {
                metrics.latency(servedAt.toEpochMilli() - vector.getEventTime().toEpochMilli(), now - row.polledAtNanos());
                offsets.handled(row.partition(), row.record().offset());
            }
        }
    }

    private void deadLetter(Pending row, Problem problem) {
        ConsumerRecord<String, byte[]> record = row.record();
        Rejected rejected = DeadLetters.rejected(row.key(), problem.code(), problem.detail(),
                new RecordSource(record.topic(), record.partition(), record.offset()), record.value(), Instant.now(),
                REJECTED_BY);
        producer.send(new ProducerRecord<>(settings.deadLetterTopic(), record.key(), rejections.encode(rejected)),
                onFailure(settings.deadLetterTopic()));
        metrics.deadLettered(problem.code());
        offsets.handled(row.partition(), record.offset());
    }

    private Callback onFailure(String topic) {
        return (metadata, exception) -> {
            if (exception != null && sendFailure.compareAndSet(null, exception)) {
                log.error("Writing to {} failed; will re-score from the last commit: {}", topic, exception.getMessage());
            }
        };
    }

    /** Pauses partitions that wait for a model or hold too many unscored records; resumes the others. */
    private void pace() {
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> paused = consumer.paused();
        int limit = settings.maxPendingPerPartition();
        List<TopicPartition> toPause = new ArrayList<>();
        List<TopicPartition> toResume = new ArrayList<>();
        for (TopicPartition partition : assigned) {
            int size = pending.size(partition);
            boolean wasPaused = paused.contains(partition);
            // Resume at half the limit, so a partition does not flap between paused and running.
            boolean pause = waiting.contains(partition) || size >= limit || (wasPaused && size > limit / 2);
            if (pause && !wasPaused) {
                toPause.add(partition);
            } else if (!pause && wasPaused) {
                toResume.add(partition);
            }
        }
        consumer.pause(toPause);
        consumer.resume(toResume);
        metrics.state(pending.size(), paused.size() + toPause.size() - toResume.size(), waiting.size());
    }

    private void reportWaiting(Set<SpecKey> specs) {
        for (SpecKey spec : specs) {
            if (reportedWaiting.add(spec)) {
                log.info("No champion serves feature spec {} yet: its partitions wait (paused) until one is released", spec);
            }
        }
        reportedWaiting.removeIf(models::serves);
    }

    /** Commits handled offsets of {@code partitions} once every output sent so far is acknowledged. */
    private void commit(Collection<TopicPartition> partitions) {
        lastCommitNanos = System.nanoTime();
        producer.flush();
        Exception failure = sendFailure.getAndSet(null);
        if (failure != null) {
            rewind();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit = offsets.uncommitted(partitions);
        if (toCommit.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(toCommit);
            offsets.committed(toCommit);
        } catch (WakeupException e) {
            // stop() raced with the commit: commit once more while shutting down.
            consumer.commitSync(toCommit);
            offsets.committed(toCommit);
            throw e;
        } catch (KafkaException e) {
            log.warn("Committing offsets failed ({}); the records since the last commit may be scored again", e.getMessage());
        }
    }

    /** After a failed send: forget everything since the last commit and read it again. */
    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        List<TopicPartition> neverCommitted = new ArrayList<>();
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                neverCommitted.add(partition);
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
        consumer.seekToBeginning(neverCommitted);
        pending.clear();
        offsets.forget(assigned);
        log.warn("Rewound {} partitions to their last committed offsets", assigned.size());
    }

    private void shutDown() {
        try {
            commit(consumer.assignment());
        } catch (KafkaException e) {
            log.warn("Final commit failed: {}", e.getMessage());
        } finally {
            producer.close(Duration.ofSeconds(10));
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    /** Commits before partitions move, so their next owner starts exactly after what this one handled. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                commit(partitions);
                pending.drop(partitions);
                offsets.forget(partitions);
                assigned = Set.copyOf(consumer.assignment().stream().filter(p -> !partitions.contains(p)).toList());
                log.info("Partitions revoked: {}", partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            pending.drop(partitions);
            offsets.forget(partitions);
            assigned = Set.copyOf(consumer.assignment().stream().filter(p -> !partitions.contains(p)).toList());
            log.warn("Partitions lost without a commit (their records will be scored again): {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = Set.copyOf(consumer.assignment());
            if (!partitions.isEmpty()) {
                log.info("Partitions assigned: {}", partitions);
            }
        }
    }
}
