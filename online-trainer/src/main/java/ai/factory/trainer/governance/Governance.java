package ai.factory.trainer.governance;

import java.io.Serializable;
import java.util.Objects;

/**
 * How the trainer's releases become champion and stop being one.
 *
 * @param promotion      {@link Promotion#ONLINE}: the hold-out gate only filters, a candidate becomes champion on its
 *                       paired online evidence (shadow scoring); {@link Promotion#HOLDOUT}: the hold-out gate promotes
 *                       (for a loop without shadow scoring)
 * @param alpha          error rate of an online decision (promotion, online rejection, rollback): 1 − confidence
 * @param minEvidence    paired events required before an online decision
 * @param autoRollback   whether the trainer rolls back a champion that its predecessor beats on the same recent examples
 * @param rollbackMargin how much worse per example (standardised loss, lower confidence bound) a champion must be
 * @param driftDelta     the drift alarm's tolerated loss difference per example (standardised loss units)
 * @param driftThreshold the accumulated excess that raises the drift alarm
 */
public record Governance(Promotion promotion, double alpha, long minEvidence, boolean autoRollback, double rollbackMargin,
                         double driftDelta, double driftThreshold) implements Serializable {

    /** Who makes a candidate champion. */
    public enum Promotion { ONLINE, HOLDOUT }

    public static final double DEFAULT_ALPHA = 0.05;
    public static final long DEFAULT_MIN_EVIDENCE = 300;
    public static final double DEFAULT_ROLLBACK_MARGIN = 0.05;
    public static final double DEFAULT_DRIFT_DELTA = 0.01;
    public static final double DEFAULT_DRIFT_THRESHOLD = 5;

    public Governance {
        Objects.requireNonNull(promotion, "promotion");
        new ConfidenceSequence(alpha, minEvidence);
        if (!(rollbackMargin >= 0) || !(driftDelta >= 0) || !(driftThreshold > 0)) {
            throw new IllegalArgumentException("need a rollback margin >= 0, drift delta >= 0 and drift threshold > 0");
        }
    }

    /** Online promotion at 95% after 300 paired events, automatic rollback on beyond a 0.05 loss gap. */
    public static Governance defaults() {
        return new Governance(Promotion.ONLINE, DEFAULT_ALPHA, DEFAULT_MIN_EVIDENCE, true, DEFAULT_ROLLBACK_MARGIN,
                DEFAULT_DRIFT_DELTA, DEFAULT_DRIFT_THRESHOLD);
    }

    /** A rollback monitor with these settings. */
    public RollbackMonitor rollbackMonitor() {
        return new RollbackMonitor(test(), rollbackMargin, driftDelta, driftThreshold);
    }

    /** The sequential test of every online decision. */
    public ConfidenceSequence test() {
        return new ConfidenceSequence(alpha, minEvidence);
    }

    public Governance withPromotion(Promotion p) {
        return new Governance(p, alpha, minEvidence, autoRollback, rollbackMargin, driftDelta, driftThreshold);
    }

    public Governance withTest(double a, long min) {
        return new Governance(promotion, a, min, autoRollback, rollbackMargin, driftDelta, driftThreshold);
    }

    public Governance withAutoRollback(boolean on) {
        return new Governance(promotion, alpha, minEvidence, on, rollbackMargin, driftDelta, driftThreshold);
    }
}
