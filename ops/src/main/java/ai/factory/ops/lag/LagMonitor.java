package ai.factory.ops.lag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ai.factory.ops.status.Observation;
import ai.factory.ops.status.StatusEvaluator;
import ai.factory.ops.status.Verdict;

/**
 * Turns successive samples into the lag view: a sliding window per group and partition judged by the
 * {@link StatusEvaluator}, trends, and a bounded history per group for charts. Groups that disappear are
 * forgotten. Thread-safe: one writer ({@link #accept}), any number of readers.
 */
public final class LagMonitor {

    /** Points of history kept per group (an hour at 10 s). */
    public static final int HISTORY_POINTS = 360;

    private final StatusEvaluator evaluator;
    private final long intervalMs;
    private final Map<String, Map<String, Deque<Observation>>> windows = new HashMap<>();
    private final Map<String, Deque<GroupPoint>> history = new HashMap<>();
    private volatile LagSnapshot snapshot;

    public LagMonitor(StatusEvaluator evaluator, long intervalMs) {
        this.evaluator = evaluator;
        this.intervalMs = intervalMs;
        this.snapshot = LagSnapshot.empty(intervalMs, evaluator.windowSize());
    }

    /** The view after the latest sample. */
    public LagSnapshot snapshot() {
        return snapshot;
    }

    /** The history of one group, oldest first. */
    public synchronized List<GroupPoint> history(String group) {
        Deque<GroupPoint> points = history.get(group);
        return points == null ? List.of() : List.copyOf(points);
    }

    /** Records that a refresh failed, keeping the previous view visible. */
    public synchronized void failed(String error) {
        LagSnapshot last = snapshot;
        snapshot = new LagSnapshot(last.sampledAt(), last.intervalMs(), last.windowSize(), last.refreshMs(), error, last.groups());
    }

    /** Adds a sample and returns the new view. */
    public synchronized LagSnapshot accept(LagSample sample) {
        List<GroupView> views = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (GroupLag group : sample.groups()) {
            seen.add(group.group());
            GroupView view = group.error() != null ? errorView(group) : judge(sample.timeMs(), group);
            views.add(view);
            Deque<GroupPoint> points = history.computeIfAbsent(group.group(), g -> new ArrayDeque<>());
            points.addLast(new GroupPoint(sample.timeMs(), view.lagRecords(), view.lagSeconds(), view.status()));
            while (points.size() > HISTORY_POINTS) {
                points.removeFirst();
            }
        }
        windows.keySet().retainAll(seen);
        history.keySet().retainAll(seen);
        snapshot = new LagSnapshot(sample.timeMs(), intervalMs, evaluator.windowSize(), sample.durationMs(), null, List.copyOf(views));
        return snapshot;
    }

    private GroupView judge(long timeMs, GroupLag group) {
        Map<String, Deque<Observation>> byPartition = windows.computeIfAbsent(group.group(), g -> new HashMap<>());
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        List<PartitionView> partitions = new ArrayList<>();
        List<Trend> trends = new ArrayList<>();
        long totalLag = 0;
        Double maxSeconds = null;
        Set<String> keys = new HashSet<>();
        Set<String> topics = new TreeSet<>();
        for (PartitionLag p : group.partitions()) {
            keys.add(p.key());
            topics.add(p.topic());
            Deque<Observation> window = byPartition.computeIfAbsent(p.key(), k -> new ArrayDeque<>());
            window.addLast(new Observation(timeMs, p.committed(), p.logStart(), p.lastStable(), p.lagRecords(),
                    group.consumerActive(), p.error()));
            while (window.size() > evaluator.windowSize()) {
                window.removeFirst();
            }
            List<Observation> list = List.copyOf(window);
            Verdict verdict = evaluator.evaluate(list);
            Trend trend = Trend.of(list);
            verdicts.put(p.key(), verdict);
            trends.add(trend);
            totalLag += p.lagRecords();
            if (p.lagSeconds() != null) {
                maxSeconds = maxSeconds == null ? p.lagSeconds() : Math.max(maxSeconds, p.lagSeconds());
            }
            partitions.add(new PartitionView(p.topic(), p.partition(), p.committed(), p.logStart(), p.logEnd(),
                    p.lastStable(), p.lagRecords(), p.lagSeconds(), p.pendingTimestampMs(), p.newestTimestampMs(),
                    verdict.status(), verdict.reason(), trend.consumeRate(), trend.produceRate(), trend.lagSlope(),
                    trend.catchUpSeconds()));
        }
        byPartition.keySet().retainAll(keys);
        Verdict verdict = StatusEvaluator.worstOf(verdicts);
        Trend trend = Trend.combine(trends, totalLag);
        return new GroupView(group.group(), group.state(), group.members(), verdict.status(), verdict.reason(), totalLag,
                maxSeconds, trend.consumeRate(), trend.produceRate(), trend.lagSlope(), trend.catchUpSeconds(),
                List.copyOf(topics), List.copyOf(partitions));
    }

    private static GroupView errorView(GroupLag group) {
        return new GroupView(group.group(), group.state(), group.members(), ai.factory.ops.status.Status.ERROR,
                group.error(), 0, null, 0, 0, 0, null, List.of(), List.of());
    }
}
