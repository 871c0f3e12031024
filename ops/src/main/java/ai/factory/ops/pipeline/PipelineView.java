package ai.factory.ops.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import ai.factory.ops.lag.GroupView;
import ai.factory.ops.lag.LagSnapshot;
import ai.factory.ops.status.Status;

/**
 * The loop at a glance: for each stage, the groups that read its inputs, their status and lag, and the rates in
 * and out. Groups are attributed to the stage whose inputs best match the topics they read. Thread-safe.
 */
public final class PipelineView {

    private final List<Stage> stages;
    private final int window;
    private final Deque<Sample> samples = new ArrayDeque<>();

    private record Sample(long timeMs, Map<String, Long> ends) {
    }

    /** A view of {@code stages}; topic rates are measured over the last {@code window} samples. */
    public PipelineView(List<Stage> stages, int window) {
        this.stages = List.copyOf(stages);
        this.window = Math.max(2, window);
    }

    /** Every topic any stage touches. */
    public List<String> topics() {
        List<String> topics = new ArrayList<>();
        for (Stage s : stages) {
            s.inputs().stream().filter(t -> !topics.contains(t)).forEach(topics::add);
            s.outputs().stream().filter(t -> !topics.contains(t)).forEach(topics::add);
        }
        return topics;
    }

    /** Records the topic sizes (sum of end offsets) seen at {@code timeMs}. */
    public synchronized void addTopicSample(long timeMs, Map<String, Long> ends) {
        samples.addLast(new Sample(timeMs, Map.copyOf(ends)));
        while (samples.size() > window) {
            samples.removeFirst();
        }
    }

    /** Rates of every known topic. */
    public synchronized List<TopicRate> topicRates() {
        List<TopicRate> out = new ArrayList<>();
        if (samples.isEmpty()) {
            return out;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        double seconds = (last.timeMs() - first.timeMs()) / 1000.0;
        for (String topic : topics()) {
            Long now = last.ends().get(topic);
            if (now == null) {
                continue;
            }
            Long before = first.ends().get(topic);
            double rate = seconds > 0 && before != null ? Math.max(0, now - before) / seconds : 0;
            out.add(new TopicRate(topic, now, rate));
        }
        return out;
    }

    /** The stages with their groups, given the latest lag view. */
    public List<StageView> stages(LagSnapshot lag) {
        List<TopicRate> rates = topicRates();
        List<List<GroupView>> byStage = new ArrayList<>();
        stages.forEach(s -> byStage.add(new ArrayList<>()));
        for (GroupView group : lag.groups()) {
            int best = -1;
            double bestFit = 0;
            for (int i = 0; i < stages.size(); i++) {
                double fit = stages.get(i).fit(group.topics());
                if (fit > bestFit) {
                    bestFit = fit;
                    best = i;
                }
            }
            if (best >= 0) {
                byStage.get(best).add(group);
            }
        }
        List<StageView> out = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            List<GroupView> groups = byStage.get(i);
            double in = groups.stream().mapToDouble(GroupView::consumeRate).sum();
            double outRate = rates.stream().filter(r -> stage.outputs().contains(r.topic())).mapToDouble(TopicRate::ratePerSecond).sum();
            long lagRecords = groups.stream().mapToLong(GroupView::lagRecords).sum();
            Status status = Status.OK;
            String reason = groups.isEmpty() ? "no consumer group reads its inputs" : "all groups OK";
            for (GroupView g : groups) {
                if (g.status().ordinal() > status.ordinal()) {
                    status = g.status();
                    reason = g.group() + ": " + g.reason();
                }
            }
            out.add(new StageView(stage.name(), stage.inputs(), stage.outputs(), in, outRate, lagRecords, status, reason,
                    groups.stream().map(GroupView::group).toList()));
        }
        return out;
    }
}
