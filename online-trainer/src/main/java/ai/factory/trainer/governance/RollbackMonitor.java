package ai.factory.trainer.governance;

import java.util.Locale;
import java.util.Optional;

import ai.factory.drift.PageHinkley;

/**
 * Watches the serving champion against the release a rollback would restore, on the same incoming examples, and says
 * when to roll back: when it is worse by more than a margin. The per-example loss differences (champion minus predecessor) are tested sequentially
 * ({@link ConfidenceSequence}) from the moment the champion took over, and again from each drift alarm (Page-Hinkley
 * on the same differences), which restarts the evidence on the recent examples only. A rollback needs the champion
 * confirmed worse with the stated confidence; evidence that it is no worse, or none either way after
 * {@link #CONFIRMATION_LIMIT} times the minimum evidence, ends the confirmation until the next alarm. Constant memory.
 */
public final class RollbackMonitor {

    /** How long (in minimum evidences) a confirmation may stay undecided. */
    static final int CONFIRMATION_LIMIT = 20;

    private final ConfidenceSequence test;
    private final double margin;
    private final double driftDelta;
    private final double driftThreshold;
    private PageHinkley detector;
    private final PairedDifferences evidence = new PairedDifferences();
    private boolean confirming;
    /** The example (of the watch) whose drift alarm opened the confirmation; 0 for the take-over itself. */
    private long openedAt;
    private long seen;
    private long champion = Long.MIN_VALUE;
    private long target = Long.MIN_VALUE;

    /**
     * @param margin         how much worse per example (lower confidence bound) the champion must be to be rolled
     *                       back: a material loss gap, not the noise of a time-correlated stream
     * @param driftDelta     the loss difference the drift alarm tolerates per example
     * @param driftThreshold the accumulated excess that raises it
     */
    public RollbackMonitor(ConfidenceSequence test, double margin, double driftDelta, double driftThreshold) {
        this.test = test;
        this.margin = margin;
        this.driftDelta = driftDelta;
        this.driftThreshold = driftThreshold;
        this.detector = new PageHinkley(driftDelta, driftThreshold, 30);
    }

    /** Watches {@code championVersion} against {@code targetVersion}; a new pair starts afresh, confirming the take-over. */
    public void watch(long championVersion, long targetVersion) {
        if (championVersion != champion || targetVersion != target) {
            champion = championVersion;
            target = targetVersion;
            seen = 0;
            detector = new PageHinkley(driftDelta, driftThreshold, 30);
            open(0);
        }
    }

    /**
     * Adds one example's losses (standardised units) under the champion and under the rollback target; returns the
     * reason to roll back once the champion is confirmed worse.
     */
    public Optional<String> add(double championLoss, double targetLoss) {
        double difference = championLoss - targetLoss;
        if (!Double.isFinite(difference)) {
            return Optional.empty();
        }
        seen++;
        Optional<PageHinkley.Alarm> alarm = detector.add(difference);
        if (alarm.isPresent() && alarm.get().detector().equals(PageHinkley.UP) && !confirming) {
            // A confirmation under way keeps its evidence: a noisy gap raises alarm after alarm.
            open(seen);
        }
        if (!confirming) {
            return Optional.empty();
        }
        evidence.add(difference);
        ConfidenceSequence.Interval interval = test.interval(evidence.count(), evidence.mean(), evidence.variance());
        ConfidenceSequence.Verdict verdict = interval.verdict() == ConfidenceSequence.Verdict.POSITIVE
                && interval.mean() - interval.radius() <= margin ? ConfidenceSequence.Verdict.UNDECIDED : interval.verdict();
        switch (verdict) {
            case POSITIVE -> {
                confirming = false;
                return Optional.of(String.format(Locale.ROOT,
                        "automatic: v%d worse than v%d on the same examples, %,d examples into its watch: loss difference "
                                + "%+.5f ± %.5f (more than the margin %.3f) over the %,d examples since %s (%s, sequential)",
                        champion, target, seen, interval.mean(), interval.radius(), margin, interval.count(),
                        openedAt == 0 ? "it took over" : String.format(Locale.ROOT, "a drift alarm at example %,d", openedAt),
                        test.confidence()));
            }
            case NEGATIVE -> confirming = false;
            case UNDECIDED -> confirming = evidence.count() < CONFIRMATION_LIMIT * test.minEvidence();
        }
        return Optional.empty();
    }

    /** Whether the champion is being confirmed (after it took over, or after a drift alarm). */
    public boolean confirming() {
        return confirming;
    }

    private void open(long at) {
        confirming = true;
        openedAt = at;
        evidence.clear();
    }
}
