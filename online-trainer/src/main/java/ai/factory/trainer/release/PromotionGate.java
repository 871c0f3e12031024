package ai.factory.trainer.release;

import java.io.Serializable;
import java.util.Locale;

import ai.factory.records.ReleaseStatus;
import ai.factory.trainer.model.ModelConfig;

/**
 * Decides a new release's status from its hold-out loss on unseen examples against the champion's on the same
 * examples plus a tolerance. As a filter ({@code promotes} false, online promotion): a release that passes is a
 * CANDIDATE for the online test, one that fails is REJECTED. As the promotion itself ({@code promotes} true): one that
 * passes is CHAMPION, one that fails stays a CANDIDATE. Either way, without any champion a release with finite weights
 * is promoted even before unseen examples arrive: the scorers wait for a first model, and examples that would judge it
 * may only come once something is served.
 *
 * @param tolerance how much worse than the champion a candidate may be and still be promoted, in standardised loss
 *                  units: log loss for binary models, squared error over labelStd² for regression
 * @param lossUnit  what one standardised unit is in the units of the losses the gate is given (binary: 1,
 *                  regression: labelStd², since hold-out squared errors are measured in label units)
 * @param promotes  whether passing makes a release champion (the hold-out promotion) or only a candidate
 */
public record PromotionGate(double tolerance, double lossUnit, boolean promotes) implements Serializable {

    public PromotionGate {
        if (!(lossUnit > 0) || Double.isInfinite(lossUnit)) {
            throw new IllegalArgumentException("loss unit must be finite and > 0, got " + lossUnit);
        }
    }

    /** A promoting gate whose losses are already in standardised units. */
    public PromotionGate(double tolerance) {
        this(tolerance, 1, true);
    }

    /** A promoting gate. */
    public PromotionGate(double tolerance, double lossUnit) {
        this(tolerance, lossUnit, true);
    }

    /** The gate for {@code config}'s hold-out losses (see {@link ai.factory.trainer.model.Task#lossUnit}). */
    public static PromotionGate forModel(double tolerance, ModelConfig config, boolean promotes) {
        return new PromotionGate(tolerance, config.task().lossUnit(config), promotes);
    }

    /** This gate promoting what passes (the hold-out promotion). */
    public PromotionGate promoting() {
        return new PromotionGate(tolerance, lossUnit, true);
    }

    /** The outcome and why. */
    public record Decision(ReleaseStatus status, String reason) {
    }

    /**
     * Losses are mean per-example losses in the task's units (regression: squared error in label units).
     *
     * @param championLoss the champion's hold-out loss on the same examples (NaN without hold-out examples), or null
     *                     when there is no champion
     * @param holdoutCount how many unseen examples both losses are measured on
     */
    public Decision decide(boolean weightsFinite, double candidateLoss, Double championLoss, long holdoutCount) {
        if (!weightsFinite) {
            return new Decision(ReleaseStatus.REJECTED, "non-finite weights (NaN or infinity); check the learning rate");
        }
        if (holdoutCount > 0 && !Double.isFinite(candidateLoss)) {
            return new Decision(ReleaseStatus.REJECTED, "non-finite hold-out loss " + candidateLoss);
        }
        if (championLoss == null) {
            return new Decision(ReleaseStatus.CHAMPION, holdoutCount == 0
                    ? "first release: no champion to beat and no unseen examples yet"
                    : String.format(Locale.ROOT, "first release: hold-out loss %.5f on %d unseen examples, no champion to beat",
                            candidateLoss, holdoutCount));
        }
        if (holdoutCount == 0) {
            return new Decision(ReleaseStatus.CANDIDATE, "no unseen examples to compare with the champion yet");
        }
        // Compared in standardised units, so one tolerance means the same for any label scale.
        if (candidateLoss / lossUnit <= championLoss / lossUnit + tolerance) {
            String passed = String.format(Locale.ROOT, "hold-out loss %.5f <= champion %.5f + tolerance %s on %d unseen examples",
                    candidateLoss, championLoss, toleranceText(), holdoutCount);
            return promotes ? new Decision(ReleaseStatus.CHAMPION, passed)
                    : new Decision(ReleaseStatus.CANDIDATE, passed + "; promoted only on online evidence");
        }
        return new Decision(promotes ? ReleaseStatus.CANDIDATE : ReleaseStatus.REJECTED, String.format(Locale.ROOT,
                "hold-out loss %.5f worse than champion %.5f + tolerance %s on %d unseen examples",
                candidateLoss, championLoss, toleranceText(), holdoutCount));
    }

    private String toleranceText() {
        return lossUnit == 1 ? String.format(Locale.ROOT, "%.5f", tolerance)
                : String.format(Locale.ROOT, "%.5f (%.5f x label variance %.5f)", tolerance * lossUnit, tolerance, lossUnit);
    }
}
