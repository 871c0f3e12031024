package ai.factory.trainer.governance;

/**
 * A sequential test on the mean of paired loss differences (challenger minus champion, or champion minus the one a
 * rollback restores): a confidence interval that may be looked at after every event without inflating the error
 * rate, so a decision can be taken as soon as the evidence is there instead of after a fixed sample.
 *
 * <p>The interval is the normal-mixture boundary (Robbins; Howard et al. 2021, "Time-uniform, nonparametric,
 * nonasymptotic confidence sequences"): with n differences of sample variance s² and a mixing weight tuned to the
 * minimum evidence m, the mean lies within s·sqrt((n+m)·ln((n+m)/(m·(α/2)²)))/n of the observed mean at every n
 * simultaneously, with probability at least 1−α. The variance is estimated, so the guarantee is approximate for small n;
 * the minimum evidence keeps decisions off the first few events.
 *
 * @param alpha       error rate of a decision (1 − confidence), in (0, 1)
 * @param minEvidence paired events required before any decision, at least 2
 */
public record ConfidenceSequence(double alpha, long minEvidence) {

    public ConfidenceSequence {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (minEvidence < 2) {
            throw new IllegalArgumentException("the minimum evidence must be at least 2 events, got " + minEvidence);
        }
    }

    /** What the evidence says of the mean difference. */
    public enum Verdict {
        /** Below zero with the stated confidence: the first of the pair has the lower loss. */
        NEGATIVE,
        /** Above zero with the stated confidence. */
        POSITIVE,
        /** Not enough evidence yet either way. */
        UNDECIDED
    }

    /** The interval after {@code n} differences of mean {@code mean} and sample variance {@code variance}. */
    public Interval interval(long n, double mean, double variance) {
        if (n < minEvidence || !Double.isFinite(mean) || !Double.isFinite(variance) || variance < 0) {
            return new Interval(n, mean, Double.POSITIVE_INFINITY, Verdict.UNDECIDED);
        }
        double m = minEvidence;
        double radius = Math.sqrt(variance) * Math.sqrt((n + m) * Math.log((n + m) / (m * (alpha / 2) * (alpha / 2)))) / n;
        Verdict verdict = mean + radius < 0 ? Verdict.NEGATIVE : mean - radius > 0 ? Verdict.POSITIVE : Verdict.UNDECIDED;
        return new Interval(n, mean, radius, verdict);
    }

    /**
     * The fixed-sample interval for evidence looked at exactly once (a release's hold-out): the normal-approximation
     * interval mean ± z·s/√n at the same confidence, about half the width of the sequence's at a few hundred events.
     * Valid only for a single look; a candidate that also faces the sequence online errs toward a false promotion at
     * most α/2 in each, α in all. Never below the minimum evidence either.
     */
    public Interval oneLook(long n, double mean, double variance) {
        if (n < minEvidence || !Double.isFinite(mean) || !Double.isFinite(variance) || variance < 0) {
            return new Interval(n, mean, Double.POSITIVE_INFINITY, Verdict.UNDECIDED);
        }
        double radius = NormalQuantile.of(1 - alpha / 2) * Math.sqrt(variance / n);
        Verdict verdict = mean + radius < 0 ? Verdict.NEGATIVE : mean - radius > 0 ? Verdict.POSITIVE : Verdict.UNDECIDED;
        return new Interval(n, mean, radius, verdict);
    }

    /** The confidence stated in reasons, e.g. "95%". */
    public String confidence() {
        double percent = 100 * (1 - alpha);
        return (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent)) + "%";
    }

    /**
     * The mean difference after {@code count} events, within {@code radius} of the true mean at the stated confidence.
     */
    public record Interval(long count, double mean, double radius, Verdict verdict) {
    }
}
