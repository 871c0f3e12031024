package ai.factory.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * Online loss against examples judged, in fixed memory: each point is the mean loss of a pane of examples; when the
 * points reach their limit, neighbours merge and panes double, so a run of any length keeps at most {@code maxPoints}.
 */
public final class LearningCurve {

    /** One pane: the examples judged at its end, how many it holds and the sum of their losses. */
    public record Point(long examples, long count, double lossSum) {
        public double meanLoss() {
            return lossSum / count;
        }
    }

    private final int maxPoints;
    private final List<Point> points = new ArrayList<>();
    private long pane;
    private long judged;
    private long paneCount;
    private double paneSum;

    /** @param firstPane examples per point until the first merge */
    public LearningCurve(long firstPane, int maxPoints) {
        if (firstPane < 1 || maxPoints < 2 || maxPoints % 2 != 0) {
            throw new IllegalArgumentException("a positive pane and an even number of points of at least 2 are needed");
        }
        this.pane = firstPane;
        this.maxPoints = maxPoints;
    }

    public void add(double loss) {
        judged++;
        paneCount++;
        paneSum += loss;
        if (paneCount < pane) {
            return;
        }
        points.add(new Point(judged, paneCount, paneSum));
        paneCount = 0;
        paneSum = 0;
        if (points.size() == maxPoints) {
            for (int i = 0; i < maxPoints / 2; i++) {
                Point a = points.get(2 * i);
                Point b = points.get(2 * i + 1);
                points.set(i, new Point(b.examples(), a.count() + b.count(), a.lossSum() + b.lossSum()));
            }
            points.subList(maxPoints / 2, maxPoints).clear();
            pane *= 2;
        }
    }

    /** The full panes so far (a partial last pane is left out), oldest first. */
    public List<Point> points() {
        return List.copyOf(points);
    }
}
