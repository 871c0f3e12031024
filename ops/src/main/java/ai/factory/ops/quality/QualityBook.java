package ai.factory.ops.quality;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quality reports kept for charts, in fixed memory: the latest {@value #POINTS_PER_VERSION} reports of each
 * model version, for the {@value #VERSIONS_PER_MODEL} versions of each model reported most recently. A version
 * that still receives reports (the one serving) is never the one dropped; versions no longer served leave as
 * newer ones report. Not thread-safe.
 */
public final class QualityBook {

    /** Reports kept per model version. */
    public static final int POINTS_PER_VERSION = 500;
    /** Versions kept per model: the ones reported most recently. */
    public static final int VERSIONS_PER_MODEL = 10;

    /** Per model: its versions' reports, least recently reported first. */
    private final Map<String, LinkedHashMap<Long, Deque<QualityPoint>>> models = new TreeMap<>();

    /** Adds one report. */
    public void add(QualityPoint point) {
        LinkedHashMap<Long, Deque<QualityPoint>> versions = models.computeIfAbsent(point.model(), m -> new LinkedHashMap<>());
        // Re-inserted so the iteration order is that of the latest report.
        Deque<QualityPoint> points = versions.remove(point.version());
        if (points == null) {
            points = new ArrayDeque<>();
        }
        points.addLast(point);
        while (points.size() > POINTS_PER_VERSION) {
            points.removeFirst();
        }
        versions.put(point.version(), points);
        if (versions.size() > VERSIONS_PER_MODEL) {
            versions.remove(versions.keySet().iterator().next());
        }
    }

    /** Every kept version's series, by model then version. */
    public List<QualitySeries> series() {
        List<QualitySeries> out = new ArrayList<>();
        for (LinkedHashMap<Long, Deque<QualityPoint>> versions : models.values()) {
            versions.values().stream().sorted(Comparator.comparingLong(p -> p.peekLast().version())).forEach(points -> {
                QualityPoint last = points.peekLast();
                out.add(new QualitySeries(last.model(), last.version(), last.task(), List.copyOf(points)));
            });
        }
        return out;
    }

    /** The latest report of every kept version, by model then version. */
    public List<QualityPoint> latest() {
        List<QualityPoint> out = new ArrayList<>();
        for (LinkedHashMap<Long, Deque<QualityPoint>> versions : models.values()) {
            versions.values().stream().map(Deque::peekLast).sorted(Comparator.comparingLong(QualityPoint::version))
                    .forEach(out::add);
        }
        return out;
    }
}
