package ai.factory.scoring.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop of one scorer instance: polls feature vectors, scores them in micro-batches with the champion
 * of their spec, writes predictions (and challenger scores to the shadow topic), dead-letters what cannot be
 * scored, and commits offsets only together with (exactly once) or after (at least once) the outputs of every record
 * before them; how is the {@link ScoringProducer}'s job. A rebalance commits first, so the new owner of a revoked
 * partition neither loses nor repeats its records.
 *
 * <p>A failed write (a prediction or a dead letter the broker refuses or cannot take, a transaction that cannot
 * commit) never lets an offset past it be committed: the loop abandons everything since the last commit (aborting
 * the transaction), pauses its partitions and, after a backoff of 100 ms doubling to 30 s, seeks every assigned
 * partition back to its committed offset and reads again. If writes keep failing for the outage limit without a
 * commit in between, the loop stops with an error.
 */
public final class ScoringLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ScoringLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final String REJECTED_BY = "scoring";
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    /** Bound on reading the committed offsets back when rewinding; a timeout is one more failed attempt. */
    private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Longer than any gap between two failures of one ongoing problem (the longest backoff plus an attempt that blocks
     * until its producer or consumer timeout), so a failure after a quiet stretch this long starts a new one.
     */
    private static final Duration QUIET_AFTER_FAILURES = Duration.ofMinutes(3);

    private final LoopSettings settings;
    private final Consumer<String, byte[]> consumer;
    private final ScoringProducer producer;
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
    private final Backoff backoff = new Backoff(FIRST_RETRY, LONGEST_RETRY);
    /** Bumped whenever outputs are abandoned, so late callbacks of abandoned sends are not taken for new failures. */
    private volatile long attempt;
    /** Outputs were abandoned: partitions are paused until they are sought back to their committed offsets. */
    private boolean rewinding = true;
    private long retryAtNanos = System.nanoTime();
    /** When writes started failing without a commit since (System.nanoTime), or 0; and when they last failed. */
    private long failingSinceNanos;
    private long lastFailureNanos;
    private volatile boolean halting;
    private boolean closing;
    private final Set<SpecKey> reportedWaiting = new HashSet<>();
    private Set<TopicPartition> waiting = Set.of();
    private long deadlineNanos = Long.MAX_VALUE;
    private long lastCommitNanos = System.nanoTime();
    private volatile Set<TopicPartition> assigned = Set.of();
    private volatile boolean stopping;

    /**
     * @param consumer the features consumer (read_committed, no auto commit); this loop owns it
     * @param producer writes outputs and commits offsets of {@code consumer}; this loop owns it
     */
    public ScoringLoop(LoopSettings settings, Consumer<String, byte[]> consumer, ScoringProducer producer,
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

    /** Stops as a crash would: nothing more is committed and an open transaction is left open. For tests. */
    public void halt() {
        halting = true;
        stop();
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(settings.featuresTopic()), new Rebalance());
        try {
            while (!stopping) {
                if (rewinding) {
                    recover();
                    continue;
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout());
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    pending.add(decode(record, now));
                }
                drain();
                Exception failure = sendFailure.getAndSet(null);
                if (failure != null) {
                    failed(failure);
                    continue;
                }
                pace();
                if (System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos()) {
                    commit();
                }
                metrics.lap();
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
            ModelSession.Scored scores;
            try {
                scores = model.run(inputs);
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
                publish(List.of(row), model.run(inputs), model, settings.predictionsTopic());
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
            publish(rows, challenger.run(inputs), challenger, settings.shadowTopic());
            metrics.shadowServed(rows.size());
        } catch (OrtException | RuntimeException e) {
            log.warn("Challenger {} failed on a batch of {} rows: {}", challenger.release(), rows.size(), e.getMessage());
        } finally {
            challenger.letGo();
        }
    }

    private void publish(List<Pending> rows, ModelSession.Scored scores, ModelSession model, String topic) {
        boolean champion = topic.equals(settings.predictionsTopic());
        Instant servedAt = Instant.now();
        long now = System.nanoTime();
        for (int i = 0; i < rows.size(); i++) {
            Pending row = rows.get(i);
            FeatureVector vector = row.vector();
            Prediction prediction = Prediction.newBuilder()
                    .setEventId(vector.getEventId())
                    .setEventTime(vector.getEventTime())
                    .setScore(scores.scores()[i])
                    .setExplanation(scores.explanations() == null ? null : scores.explanations().get(i))
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
        long sentIn = attempt;
        return (metadata, exception) -> {
            if (exception != null && sentIn == attempt && sendFailure.compareAndSet(null, exception)) {
                log.warn("Writing to {} failed: {}", topic, exception.toString());
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

    /** Commits the handled offsets once every output sent so far is acknowledged, or with them in one transaction. */
    private void commit() {
        lastCommitNanos = System.nanoTime();
        if (rewinding || halting || closing) {
            // Nothing to commit while rewinding; nothing may be once halted or after the last commit at close (the
            // consumer's close revokes the partitions once more).
            return;
        }
        producer.flush();
        Exception failure = sendFailure.getAndSet(null);
        if (failure != null) {
            failed(failure);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit = offsets.uncommitted();
        try {
            if (producer.commit(toCommit)) {
                offsets.committed(toCommit);
                if (!toCommit.isEmpty()) {
                    // Progress: whatever failed before is over.
                    failingSinceNanos = 0;
                    backoff.reset();
                }
            }
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * After a failed write: gives up everything since the last commit and pauses, to read it again after a backoff.
     * Stops the loop when writes have kept failing for longer than the outage limit.
     */
    private void failed(Exception cause) {
        abandon();
        Duration delay = retryLater(cause);
        log.warn("Writing to Kafka failed ({}); nothing past it is committed: reading again from the last commit in {} ms",
                cause.toString(), delay.toMillis());
    }

    /** Forgets what was handled since the last commit and pauses every partition until it is sought back. */
    private void abandon() {
        attempt++;
        producer.abandon();
        sendFailure.set(null);
        pending.clear();
        offsets.abandonHandled();
        consumer.pause(consumer.assignment());
        rewinding = true;
    }

    /**
     * Counts one more failed attempt and sets when to try again. Failures belong to one stretch until a commit of
     * offsets succeeds, or until none has come for {@link #QUIET_AFTER_FAILURES} (when the failure ended while nothing
     * was left to commit).
     */
    private Duration retryLater(Exception cause) {
        long now = System.nanoTime();
        if (failingSinceNanos == 0 || now - lastFailureNanos > QUIET_AFTER_FAILURES.toNanos()) {
            failingSinceNanos = now;
            backoff.reset();
        }
        lastFailureNanos = now;
        metrics.writeFailed();
        giveUpAfterOutageLimit(cause, now);
        Duration delay = backoff.next();
        retryAtNanos = now + delay.toNanos();
        return delay;
    }

    private void giveUpAfterOutageLimit(Exception cause, long now) {
        Duration failing = Duration.ofNanos(now - failingSinceNanos);
        if (failing.compareTo(settings.outageLimit()) > 0) {
            throw new IllegalStateException("writes to Kafka kept failing for " + failing.toSeconds() + " s (limit "
                    + settings.outageLimit().toSeconds() + " s), last: " + cause, cause);
        }
    }

    /**
     * Once the backoff is over: readies the producer and seeks every assigned partition back to its committed
     * offset. Until then (and when that fails) it keeps polling with every partition paused, so the group keeps
     * this member and rebalances are served.
     */
    private void recover() {
        long wait = retryAtNanos - System.nanoTime();
        if (wait > 0) {
            consumer.poll(Duration.ofNanos(Math.min(wait, IDLE_POLL.toNanos())));
            return;
        }
        try {
            producer.recover();
            rewind();
            rewinding = false;
            lastCommitNanos = System.nanoTime();
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            Duration delay = retryLater(e);
            log.warn("Cannot resume yet ({}); trying again in {} ms", e.toString(), delay.toMillis());
        }
    }

    /** Seeks every assigned partition to its committed offset, the records after it to be read again. */
    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, COMMITTED_TIMEOUT);
        List<TopicPartition> neverCommitted = new ArrayList<>();
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            OptionalLong known = offsets.lastCommitted(partition);
            if (known.isPresent() && (offset == null || offset.offset() < known.getAsLong())) {
                // Seen after a broker restart: the cluster answered with no (or an older) committed offset than the
                // commit this instance saw succeed. Going back there would score everything since again.
                log.warn("Kafka reports {} as committed for {}, but this scorer committed {} there; resuming from {}",
                        offset == null ? "nothing" : offset.offset(), partition, known.getAsLong(), known.getAsLong());
                consumer.seek(partition, known.getAsLong());
            } else if (offset == null) {
                neverCommitted.add(partition);
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
        // Only when there are some: Kafka takes an empty collection to mean every assigned partition, which would
        // undo the seeks above (back to the beginning, scoring committed records again, or to the end, skipping some).
        if (!neverCommitted.isEmpty()) {
            if (settings.startFromEarliest()) {
                consumer.seekToBeginning(neverCommitted);
            } else {
                consumer.seekToEnd(neverCommitted);
            }
        }
        pending.clear();
        consumer.resume(assigned);
        log.info("Rewound {} partitions to their last committed offsets", assigned.size());
    }

    private void shutDown() {
        if (halting) {
            producer.halt();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            return;
        }
        try {
            commit();
        } catch (WakeupException e) {
            // The wakeup of stop() reached the at-least-once commit, which has committed once more already.
        } catch (RuntimeException e) {
            log.warn("Final commit failed: {}", e.toString());
        } finally {
            closing = true;
            producer.close();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    /** Commits before partitions move, so their next owner starts exactly after what this one handled. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                commit();
                pending.drop(partitions);
                offsets.forget(partitions);
                assigned = Set.copyOf(consumer.assignment().stream().filter(p -> !partitions.contains(p)).toList());
                log.info("Partitions revoked: {}", partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && !rewinding && producer.commitsAllPartitionsTogether()) {
                // Their outputs since the last commit must not commit now that another member owns them; a transaction
                // holds the outputs of every partition, so all are given up and read again (no backoff: nothing failed).
                abandon();
                retryAtNanos = System.nanoTime();
            }
            pending.drop(partitions);
            offsets.forget(partitions);
            assigned = Set.copyOf(consumer.assignment().stream().filter(p -> !partitions.contains(p)).toList());
            log.warn("Partitions lost without a commit (their records will be scored again): {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = Set.copyOf(consumer.assignment());
            if (rewinding) {
                // Read nothing until the rewind has sought every partition to its committed offset.
                consumer.pause(partitions);
            }
            if (!partitions.isEmpty()) {
                log.info("Partitions assigned: {}", partitions);
            }
        }
    }
}
