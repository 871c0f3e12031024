package ai.factory.ops.status;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Judges consumer progress over a sliding window of samples, after Burrow's rules: no lag threshold to tune,
 * only the shape of offsets and lag over the window.
 *
 * <p>Rules, first match wins: a sampling error or an offset that went backwards or below the log start is
 * ERROR; lag of zero anywhere in the window is OK (idle partitions are not lag); a window not yet full is OK
 * while judging; an offset that did not move over the whole window with records waiting is STOP when no
 * consumer is active (the group has no members) and STALL when one is; a moving offset whose lag grew in
 * every interval is WARN; anything else is catching up, OK. Groups that commit without members (Flink
 * sources commit on checkpoints) are judged by their offsets alone, so the window must span more than one
 * commit interval.
 */
public final class StatusEvaluator {

    private final int windowSize;

    /** An evaluator that needs {@code windowSize} samples (at least 2) before judging progress. */
    public StatusEvaluator(int windowSize) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("a window needs at least 2 samples: " + windowSize);
        }
        this.windowSize = windowSize;
    }

    public int windowSize() {
        return windowSize;
    }

    /** The verdict for one partition, from its samples oldest first (only the last {@link #windowSize()} count). */
    public Verdict evaluate(List<Observation> samples) {
        if (samples.isEmpty()) {
            return new Verdict(Status.OK, "no samples yet");
        }
        List<Observation> window = samples.subList(Math.max(0, samples.size() - windowSize), samples.size());
        Observation last = window.get(window.size() - 1);
        if (last.error() != null) {
            return new Verdict(Status.ERROR, last.error());
        }
        for (int i = 1; i < window.size(); i++) {
            Observation before = window.get(i - 1);
            Observation after = window.get(i);
            if (before.error() == null && after.committed() < before.committed()) {
                return new Verdict(Status.ERROR, "committed offset went back from " + before.committed()
                        + " to " + after.committed() + " (rewind)");
            }
        }
        if (last.committed() < last.logStart()) {
            return new Verdict(Status.ERROR, "committed offset " + last.committed() + " is below the log start "
                    + last.logStart() + ": records were deleted before they were consumed");
        }
        if (last.lag() == 0) {
            return new Verdict(Status.OK, last.end() == window.get(0).end() ? "caught up (idle)" : "caught up");
        }
        if (window.stream().anyMatch(o -> o.error() == null && o.lag() == 0)) {
            return new Verdict(Status.OK, "caught up within the window");
        }
        if (window.size() < windowSize) {
            return new Verdict(Status.OK, "judging: " + window.size() + " of " + windowSize + " samples");
        }
        Observation first = window.get(0);
        long spanSeconds = Math.round((last.timeMs() - first.timeMs()) / 1000.0);
        if (last.committed() == first.committed() && window.stream().allMatch(o -> o.committed() == first.committed())) {
            if (!last.consumerActive()) {
                return new Verdict(Status.STOP, "no active consumer; offset " + last.committed() + " unchanged for "
                        + spanSeconds + " s with " + last.lag() + " records waiting");
            }
            return new Verdict(Status.STALL, "consumer is active but offset " + last.committed() + " unchanged for "
                    + spanSeconds + " s with " + last.lag() + " records waiting");
        }
        boolean lagGrewEveryInterval = true;
        for (int i = 1; i < window.size(); i++) {
            if (window.get(i).lag() < window.get(i - 1).lag()) {
                lagGrewEveryInterval = false;
                break;
            }
        }
        if (lagGrewEveryInterval && last.lag() > first.lag()) {
            return new Verdict(Status.WARN, "consuming, but lag grew from " + first.lag() + " to " + last.lag()
                    + " in " + spanSeconds + " s");
        }
        return new Verdict(Status.OK, last.lag() < first.lag() ? "catching up" : "keeping up");
    }

    /** A group's verdict: its worst partition, named, or OK when it has no partitions to judge. */
    public static Verdict worstOf(Map<String, Verdict> byPartition) {
        Verdict worst = null;
        String where = null;
        int alsoBad = 0;
        for (Map.Entry<String, Verdict> entry : byPartition.entrySet()) {
            Verdict v = entry.getValue();
            if (v.status() != Status.OK) {
                alsoBad++;
            }
            if (worst == null || v.status().ordinal() > worst.status().ordinal()) {
                worst = v;
                where = entry.getKey();
            }
        }
        if (worst == null) {
            return new Verdict(Status.OK, "no committed offsets");
        }
        if (worst.status() == Status.OK) {
            return new Verdict(Status.OK, summarizeOk(byPartition.values()));
        }
        String more = alsoBad > 1 ? " (and " + (alsoBad - 1) + " more partitions not OK)" : "";
        return new Verdict(worst.status(), where + ": " + worst.reason() + more);
    }

    private static String summarizeOk(Collection<Verdict> verdicts) {
        if (verdicts.stream().anyMatch(v -> v.reason().startsWith("judging"))) {
            return verdicts.stream().map(Verdict::reason).filter(r -> r.startsWith("judging")).findFirst().orElseThrow();
        }
        if (verdicts.stream().anyMatch(v -> v.reason().equals("catching up"))) {
            return "catching up";
        }
        if (verdicts.stream().allMatch(v -> v.reason().startsWith("caught up"))) {
            return "caught up";
        }
        return "keeping up";
    }
}
