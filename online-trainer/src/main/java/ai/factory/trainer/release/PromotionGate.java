package ai.factory.trainer.release;

import java.io.Serializable;
import java.util.Locale;

import ai.factory.records.ReleaseStatus;

/**
 * Decides a new release's status: champion only with finite weights and a hold-out loss on unseen examples
 * no worse than the champion's plus a tolerance. Without any champion, a release with finite weights is promoted
 * even before unseen examples arrive: the scorers wait for a first model, and examples that would judge it may only
 * come once something is served.
 *
 * @param tolerance how much worse than the champion a candidate may be and still be promoted
 */
public record PromotionGate(double tolerance) implements Serializable {

    /** The outcome and why. */
    public record Decision(ReleaseStatus status, String reason) {
    }

    /**
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
        if (candidateLoss <= championLoss + tolerance) {
            return new Decision(ReleaseStatus.CHAMPION, String.format(Locale.ROOT,
                    "hold-out loss %.5f <= champion %.5f + tolerance %.5f on %d unseen examples",
                    candidateLoss, championLoss, tolerance, holdoutCount));
        }
        return new Decision(ReleaseStatus.CANDIDATE, String.format(Locale.ROOT,
                "hold-out loss %.5f worse than champion %.5f + tolerance %.5f on %d unseen examples",
                candidateLoss, championLoss, tolerance, holdoutCount));
    }
}
