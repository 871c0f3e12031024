package ai.factory.feedback.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;

/** Panes of one version in sorted maps, serialized like in a state store (so a copy shares nothing). */
final class InMemoryPanes implements PaneStore {

    private final TreeMap<Long, byte[]> count = new TreeMap<>();
    private final TreeMap<Long, byte[]> time = new TreeMap<>();

    @Override
    public WindowMetrics countPane(long seq) {
        byte[] pane = count.get(seq);
        return pane == null ? null : ModelQualitySerde.deserializePane(pane);
    }

    @Override
    public void putCountPane(long seq, WindowMetrics pane) {
        count.put(seq, ModelQualitySerde.serializePane(pane));
    }

    @Override
    public void deleteCountPane(long seq) {
        count.remove(seq);
    }

    @Override
    public WindowMetrics timePane(long start) {
        byte[] pane = time.get(start);
        return pane == null ? null : ModelQualitySerde.deserializePane(pane);
    }

    @Override
    public void putTimePane(long start, WindowMetrics pane) {
        time.put(start, ModelQualitySerde.serializePane(pane));
    }

    @Override
    public void deleteTimePane(long start) {
        time.remove(start);
    }

    @Override
    public List<Long> timePaneStarts(long from, long to) {
        return from >= to ? List.of() : new ArrayList<>(time.subMap(from, to).keySet());
    }

    @Override
    public OptionalLong firstTimePane(long from) {
        Long start = time.ceilingKey(from);
        return start == null ? OptionalLong.empty() : OptionalLong.of(start);
    }

    /** Panes stored, count and time. */
    int size() {
        return count.size() + time.size();
    }

    /** An independent copy, as a store restored from its changelog would be. */
    InMemoryPanes copy() {
        InMemoryPanes copy = new InMemoryPanes();
        count.forEach((k, v) -> copy.count.put(k, v.clone()));
        time.forEach((k, v) -> copy.time.put(k, v.clone()));
        return copy;
    }
}
