package ai.factory.trainer.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.TrainingState;

/**
 * Everything the trainer must not lose across a restart: weights and optimizer state, the examples of the
 * unfinished mini-batch, what was trained since the last release, the champion, and a release awaiting its
 * hold-out evaluation. Lives in Flink operator state (see {@link TrainerProgressCodec}).
 */
final class TrainerProgress {

    /** No event time: nothing trained, or a state written before the time was recorded. */
    static final long NO_TIME = Long.MAX_VALUE;

    TrainingState live;
    final List<TrainingExample> buffer = new ArrayList<>();
    long examplesTrained;
    long trainedSinceCut;
    double lossSumSinceCut;
    /** Partition → {first offset, last offset} trained since the last release was cut. */
    final TreeMap<Integer, long[]> rangesSinceCut = new TreeMap<>();
    long trainedThroughEventTime;
    /** The earliest event time trained on since the last release was cut; {@link #NO_TIME} when none. */
    long trainedFromSinceCut = NO_TIME;
    long nextVersion;
    Long parentVersion;
    Long championVersion;
    Map<String, FloatTensor> championParams;
    Pending pending;
    long lastCutMillis;
    /** The first version of the current line: earlier ones were trained on weights the ledger has since abandoned. */
    long lineStart;
    /** Why the live weights were last reset to a champion the ledger chose, for the next release's provenance; or null. */
    String followed;
    /**
     * While an operator's move holds the releases ({@code --after-operator hold}): the ledger sequence of the record
     * that began the hold; a resume record after it ends the hold. Null when not held.
     */
    Long heldSince;

    /** A release whose weights are fixed and which is being evaluated on examples it has not seen. */
    static final class Pending {
        long version;
        Long parentVersion;
        Map<String, FloatTensor> params;
        long examplesTrained;
        long trainedSinceParent;
        double trainingLoss;
        TreeMap<Integer, long[]> ranges = new TreeMap<>();
        long throughEventTime;
        /** The earliest event time among {@link #ranges}' examples; {@link #NO_TIME} when none, or not recorded. */
        long fromEventTime = NO_TIME;
        long cutAtMillis;
        double candidateLossSum;
        /** Sum of |score - label| of the candidate (regression MAE); NaN when restored from state that lacked it. */
        double candidateAbsErrorSum;
        double championLossSum;
        /** Sum of squared per-example loss differences (candidate minus champion), for the sequential test. */
        double differenceSquareSum;
        long holdoutCount;
    }

    /** Records that {@code examples} were trained on with mean loss {@code loss}. */
    void trained(List<TrainingExample> examples, double loss) {
        for (TrainingExample e : examples) {
            rangesSinceCut.merge(e.partition(), new long[] {e.offset(), e.offset()},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            trainedThroughEventTime = Math.max(trainedThroughEventTime, e.eventTime());
            trainedFromSinceCut = Math.min(trainedFromSinceCut, e.eventTime());
        }
        examplesTrained += examples.size();
        trainedSinceCut += examples.size();
        lossSumSinceCut += loss * examples.size();
    }

    /** Fixes the live weights as the next release and starts counting afresh. */
    Pending cut(long now) {
        Pending p = new Pending();
        p.version = nextVersion++;
        p.parentVersion = parentVersion;
        p.params = live.params();
        p.examplesTrained = examplesTrained;
        p.trainedSinceParent = trainedSinceCut;
        p.trainingLoss = trainedSinceCut == 0 ? Double.NaN : lossSumSinceCut / trainedSinceCut;
        p.ranges = new TreeMap<>(rangesSinceCut);
        p.throughEventTime = trainedThroughEventTime;
        p.fromEventTime = trainedFromSinceCut;
        p.cutAtMillis = now;
        trainedSinceCut = 0;
        lossSumSinceCut = 0;
        rangesSinceCut.clear();
        trainedFromSinceCut = NO_TIME;
        lastCutMillis = now;
        parentVersion = p.version;
        pending = p;
        return p;
    }
}
