package ai.factory.scoring.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import ai.factory.scoring.model.ModelSession;
import ai.factory.scoring.release.SpecKey;
import org.apache.kafka.common.TopicPartition;

/**
 * Dynamic batching over the pending records: a batch is one feature spec, at most {@code maxBatch} rows, and is
 * released when full or when its oldest row has waited {@code maxWait}. Records that cannot be scored come out
 * as dead letters; a partition whose next vector has no champion waits, keeping its order, so offsets are only
 * ever committed over records that were handled.
 */
final class BatchAssembler {

    /** A batch of rows of one spec, for the model that was champion when it was assembled. */
    record Batch(SpecKey spec, List<Pending> rows) {
    }

    /** A record to dead-letter, with why. */
    record DeadLetter(Pending pending, Problem problem) {
    }

    /**
     * What to do next.
     *
     * @param batch         a batch ready to score, or null
     * @param waiting       partitions whose next vector has no champion
     * @param waitingSpecs  the specs they wait for
     * @param deadlineNanos when the oldest scorable record will have waited long enough, or {@code Long.MAX_VALUE}
     */
    record Work(List<DeadLetter> deadLetters, Batch batch, Set<TopicPartition> waiting, Set<SpecKey> waitingSpecs,
                long deadlineNanos) {
    }

    private final int maxBatch;
    private final long maxWaitNanos;
    private int rotation;

    BatchAssembler(int maxBatch, long maxWaitNanos) {
        if (maxBatch < 1 || maxWaitNanos < 0) {
            throw new IllegalArgumentException("max batch must be positive and max wait not negative");
        }
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
    }

    /**
     * Takes dead letters off the partition heads and, when one is due, a batch.
     *
     * @param champions the champion serving a spec, if any (looked at, not held)
     */
    Work next(PendingRecords pending, Function<SpecKey, Optional<ModelSession>> champions, long nowNanos) {
        List<DeadLetter> deadLetters = new ArrayList<>();
        Set<TopicPartition> waiting = new HashSet<>();
        Set<SpecKey> waitingSpecs = new HashSet<>();
        List<TopicPartition> partitions = pending.partitions();
        Pending oldest = null;
        for (TopicPartition partition : partitions) {
            Deque<Pending> queue = pending.queue(partition);
            while (!queue.isEmpty()) {
                Pending head = queue.peekFirst();
                if (!head.isReadable()) {
                    deadLetters.add(new DeadLetter(queue.pollFirst(), head.problem()));
                    continue;
                }
                Optional<ModelSession> model = champions.apply(head.spec());
                if (model.isEmpty()) {
                    waiting.add(partition);
                    waitingSpecs.add(head.spec());
                    break;
                }
                Optional<Problem> problem = VectorCheck.check(head.vector(), model.get());
                if (problem.isPresent()) {
                    deadLetters.add(new DeadLetter(queue.pollFirst(), problem.get()));
                    continue;
                }
                if (oldest == null || head.polledAtNanos() < oldest.polledAtNanos()) {
                    oldest = head;
                }
                break;
            }
        }
        if (oldest == null) {
            return new Work(deadLetters, null, waiting, waitingSpecs, Long.MAX_VALUE);
        }
        SpecKey spec = oldest.spec();
        Optional<ModelSession> model = champions.apply(spec);
        long deadline = oldest.polledAtNanos() + maxWaitNanos;
        if (model.isEmpty()) {
            return new Work(deadLetters, null, waiting, waitingSpecs, deadline);
        }
        List<TopicPartition> order = new ArrayList<>(partitions);
        order.removeAll(waiting);
        Collections.rotate(order, -(rotation++ % Math.max(1, order.size())));
        boolean due = nowNanos - deadline >= 0 || scorableRun(pending, order, spec, model.get()) >= maxBatch;
        if (!due) {
            return new Work(deadLetters, null, waiting, waitingSpecs, deadline);
        }
        List<Pending> rows = new ArrayList<>(Math.min(maxBatch, pending.size()));
        for (TopicPartition partition : order) {
            Deque<Pending> queue = pending.queue(partition);
            while (rows.size() < maxBatch && !queue.isEmpty() && fits(queue.peekFirst(), spec, model.get())) {
                rows.add(queue.pollFirst());
            }
        }
        return new Work(deadLetters, new Batch(spec, rows), waiting, waitingSpecs, deadline);
    }

    /** Rows of {@code spec} that could go into a batch now, counted up to {@code maxBatch}. */
    private int scorableRun(PendingRecords pending, List<TopicPartition> partitions, SpecKey spec, ModelSession model) {
        int count = 0;
        for (TopicPartition partition : partitions) {
            for (Pending p : pending.queue(partition)) {
                if (count >= maxBatch || !fits(p, spec, model)) {
                    break;
                }
                count++;
            }
        }
        return count;
    }

    private static boolean fits(Pending pending, SpecKey spec, ModelSession model) {
        return pending.isReadable() && pending.spec().equals(spec) && VectorCheck.check(pending.vector(), model).isEmpty();
    }
}
