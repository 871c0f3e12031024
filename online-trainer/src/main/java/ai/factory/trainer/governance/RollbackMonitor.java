package ai.factory.trainer.governance;

import java.util.Locale;
import java.util.Optional;

import ai.factory.drift.PageHinkley;

/**
 * Watches the serving champion against the release a rollback would restore, on the same incoming examples, and says
 * when to roll back: a drift alarm (Page-Hinkley on the per-example loss differences) opens a confirmation, and the
 * rollback comes only when the differences since the alarm show the champion worse with the stated confidence
 * ({@link ConfidenceSequence}). A confirmation that shows the champion no worse, or stays undecided for
 * {@link #CONFIRMATION_LIMIT} times the minimum evidence, closes and watching resumes. Constant memory.
 */
public final class RollbackMonitor {

    /** How long (in minimum evidences) a confirmation may stay undecided. */
    static final int CONFIRMATION_LIMIT = 20;

    private final ConfidenceSequence test;
    private final double driftDelta;
    private final double driftThreshold;
    private PageHinkley detector;
    private final PairedDifferences sinceAlarm = new PairedDifferences();
    private boolean confirming;
    private long alarmAt;
    private long seen;
    private long champion = Long.MIN_VALUE;
    private long target = Long.MIN_VALUE;

    /**
     * @param driftDelta     the loss difference the drift alarm tolerates per example
     * @param driftThreshold the accumulated excess that raises it
     */
    public RollbackMonitor(ConfidenceSequence test, double driftDelta, double driftThreshold) {
        this.test = test;
        this.driftDelta = driftDelta;
        this.driftThreshold = driftThreshold;
        this.detector = newDetector();
    }

    private PageHinkley newDetector() {
        return new PageHinkley(driftDelta, driftThreshold, 30);
    }

    /** Watches {@code championVersion} against {@code targetVersion}; a new pair starts afresh. */
    public void watch(long championVersion, long targetVersion) {
        if (championVersion != champion || targetVersion != target) {
            champion = championVersion;
            target = targetVersion;
            seen = 0;
            restart();
        }
    }

    /**
     * Adds one example's losses (standardised units) under the champion and under the rollback target; returns the
     * reason to roll back when the evidence confirms a drift alarm.
     */
    public Optional<String> add(double championLoss, double targetLoss) {
        double difference = championLoss - targetLoss;
        if (!Double.isFinite(difference)) {
            return Optional.empty();
        }
        seen++;
        if (!confirming) {
            Optional<PageHinkley.Alarm> alarm = detector.add(difference);
            if (alarm.isPresent() && alarm.get().detector().equals(PageHinkley.UP)) {
                confirming = true;
                alarmAt = seen;
                sinceAlarm.clear();
            }
            return Optional.empty();
        }
        sinceAlarm.add(difference);
        ConfidenceSequence.Interval interval = test.interval(sinceAlarm.count(), sinceAlarm.mean(), sinceAlarm.variance());
        switch (interval.verdict()) {
            case POSITIVE -> {
                String reason = String.format(Locale.ROOT,
                        "automatic: v%d worse than v%d on the same examples, %,d examples into its watch: drift alarm at "
                                + "example %,d, confirmed by a loss difference of %+.5f ± %.5f over the %,d since (%s, sequential)",
                        champion, target, seen, alarmAt, interval.mean(), interval.radius(), interval.count(), test.confidence());
                restart();
                return Optional.of(reason);
            }
            case NEGATIVE -> restart();
            case UNDECIDED -> {
                if (sinceAlarm.count() >= CONFIRMATION_LIMIT * test.minEvidence()) {
                    restart();
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a drift alarm is being confirmed. */
    public boolean confirming() {
        return confirming;
    }

    private void restart() {
        confirming = false;
        sinceAlarm.clear();
        detector = newDetector();
    }
}
