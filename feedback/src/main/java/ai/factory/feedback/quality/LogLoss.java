package ai.factory.feedback.quality;

/** Log loss of one prediction, with scores clipped away from 0 and 1 so a confident miss costs a finite amount. */
public final class LogLoss {

    /** Scores are clipped to [EPSILON, 1 - EPSILON]. */
    public static final double EPSILON = 1e-15;

    private LogLoss() {
    }

    /** −(y·ln p + (1−y)·ln(1−p)) with the label clipped to [0, 1] (soft labels allowed). */
    public static double of(double score, double label) {
        double p = Math.min(1 - EPSILON, Math.max(EPSILON, score));
        double y = Math.min(1, Math.max(0, label));
        return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    }

    /** Whether a label counts as the positive class (binary labels are 0 or 1; sums count positive from 0.5). */
    public static boolean positive(double label) {
        return label >= 0.5;
    }
}
