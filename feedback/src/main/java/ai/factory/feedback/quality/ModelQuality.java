package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

import ai.factory.feedback.drift.PageHinkley;
import ai.factory.records.DriftSignal;
import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;

/**
 * Online quality of one model version: its counters, its sliding count and time windows and the drift detector on
 * its loss stream. Windows are made of panes (1/panes of a window each): every finished count pane reports the last
 * {@code countWindow} judged predictions, and every time the clock passes a pane's end, the last {@code timeWindow}
 * of label time is reported, so a window's numbers move smoothly instead of starting from nothing each time.
 * Applying an outcome returns the reports it completes.
 *
 * <p>A version is judged as one {@link QualityTask}: binary (log loss, AUC, accuracy, calibration, against the
 * window's base rate) or regression (RMSE, MAE, against the running mean of the version's earlier labels). The drift
 * detector watches the log loss (binary) or the absolute error divided by the running mean's mean absolute error
 * so far (regression: unit-free, so one delta and lambda fit labels in any unit).
 */
public final class ModelQuality {

    /** Window name of a report raised by the drift detector. */
    public static final String DRIFT_WINDOW = "drift";

    private final String modelName;
    private final long modelVersion;
    private final QualityTask task;
    private long served;
    private long closed;
    private long expired;
    private long late;
    private long outOfTimeWindow;
    /** Finished count panes, oldest first; at most panes - 1 are kept besides the open one. */
    private final Deque<WindowMetrics> countPanes = new ArrayDeque<>();
    private WindowMetrics countPane;
    /** Time panes by start (label time, aligned to the hop); kept while a window yet to be reported covers them. */
    private final TreeMap<Long, WindowMetrics> timePanes = new TreeMap<>();
    /** End of the newest time window reported. */
    private long timeClosedThrough = Long.MIN_VALUE;
    private final PageHinkley drift;
    /** Regression only: the mean of the labels judged so far. */
    private final RunningBaseline baseline;

    private ModelQuality(String modelName, long modelVersion, QualityTask task, WindowMetrics countPane,
                         PageHinkley drift, RunningBaseline baseline) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.task = task;
        this.countPane = countPane;
        this.drift = drift;
        this.baseline = baseline;
    }

    /** A new version's quality, judged as the task the settings give its model name. */
    public static ModelQuality create(String modelName, long modelVersion, QualitySettings settings) {
        QualityTask task = settings.task(modelName);
        return new ModelQuality(modelName, modelVersion, task, WindowMetrics.empty(task, settings),
                new PageHinkley(settings.driftDelta(), settings.driftLambda(), settings.driftMinSamples()),
                new RunningBaseline());
    }

    public QualityTask task() {
        return task;
    }

    public ModelCounters counters() {
        return new ModelCounters(Math.max(0, served - closed), expired, late);
    }

    /** Judged predictions whose time pane had already been reported when they arrived (counted in count windows only). */
    public long outOfTimeWindow() {
        return outOfTimeWindow;
    }

    /** Applies one outcome; returns the reports it completes (a count window, a drift alarm). */
    public List<QualityReport> apply(Outcome outcome, QualitySettings settings) {
        List<QualityReport> reports = new ArrayList<>(1);
        switch (outcome.kind()) {
            case SERVED -> served++;
            case EXPIRED -> {
                closed++;
                expired++;
            }
            case LATE -> late++;
            case JUDGED -> judge(outcome, settings, reports);
        }
        return reports;
    }

    private void judge(Outcome o, QualitySettings settings, List<QualityReport> reports) {
        closed++;
        if (o.defaulted()) {
            expired++;
        }
        long hop = settings.timeHopMillis();
        long start = Math.floorDiv(o.time(), hop) * hop;
        WindowMetrics timePane = null;
        if (start + hop <= timeClosedThrough) {
            outOfTimeWindow++;
        } else {
            timePane = timePanes.computeIfAbsent(start, s -> WindowMetrics.empty(task, settings));
        }
        double loss = task == QualityTask.BINARY ? judgeBinary(o, timePane) : judgeRegression(o, timePane);
        drift.add(loss).ifPresent(alarm -> reports.add(countWindow(settings).report(modelName, modelVersion,
                DRIFT_WINDOW, o.time(), counters(), new DriftSignal(alarm.detector(), alarm.statistic(), alarm.seen()))));
        if (countPane.count() >= settings.countHop()) {
            WindowMetrics window = countWindow(settings);
            reports.add(window.report(modelName, modelVersion, "count:" + settings.countWindow(),
                    window.latestLabelTime(), counters(), null));
            countPanes.addLast(countPane);
            while (countPanes.size() >= settings.panes()) {
                countPanes.removeFirst();
            }
            countPane = WindowMetrics.empty(task, settings);
        }
    }

    /** Adds a binary judgement to the count pane and the time pane (if any); returns its log loss. */
    private double judgeBinary(Outcome o, WindowMetrics timePane) {
        if (timePane != null) {
            timePane.add(o.score(), o.label(), o.eventTime(), o.time());
        }
        return countPane.add(o.score(), o.label(), o.eventTime(), o.time());
    }

    /**
     * Adds a regression judgement and its running-mean baseline, then lets the label join that mean; returns the
     * value the drift detector watches (NaN, which it ignores, until the baseline has a scale).
     */
    private double judgeRegression(Outcome o, WindowMetrics timePane) {
        OptionalDouble predicted = baseline.prediction();
        double scale = baseline.meanAbsError();
        if (timePane != null) {
            timePane.addRegression(o.score(), o.label(), predicted, o.eventTime(), o.time());
        }
        double absError = countPane.addRegression(o.score(), o.label(), predicted, o.eventTime(), o.time());
        baseline.add(o.label(), predicted.isPresent() ? OptionalDouble.of(predicted.getAsDouble() - o.label())
                : OptionalDouble.empty());
        return scale > 0 ? absError / scale : Double.NaN;
    }

    /** The last (up to) countWindow judged predictions: the finished panes and the open one. */
    private WindowMetrics countWindow(QualitySettings settings) {
        List<WindowMetrics> panes = new ArrayList<>(countPanes);
        panes.add(countPane);
        return WindowMetrics.merged(panes, task, settings);
    }

    /**
     * Reports every time window that ends at or before {@code through} and has not been reported, each over the panes
     * inside it, and forgets the panes no later window covers. Ends with no pane inside are skipped.
     */
    public List<QualityReport> closeTimeWindows(long through, QualitySettings settings) {
        List<QualityReport> reports = new ArrayList<>();
        long length = settings.timeWindow().toMillis();
        long hop = settings.timeHopMillis();
        while (!timePanes.isEmpty()) {
            // The earliest end not yet reported whose window holds the oldest pane (panes older than a window are gone).
            long end = Math.max(timeClosedThrough == Long.MIN_VALUE ? Long.MIN_VALUE : timeClosedThrough + hop,
                    timePanes.firstKey() + hop);
            if (end > through) {
                break;
            }
            WindowMetrics window = WindowMetrics.merged(timePanes.subMap(end - length, true, end, false).values(), task,
                    settings);
            reports.add(window.report(modelName, modelVersion, "time:" + settings.timeWindow(), end, counters(), null));
            timeClosedThrough = end;
            while (!timePanes.isEmpty() && timePanes.firstKey() + length <= end) {
                timePanes.pollFirstEntry();
            }
        }
        return reports;
    }

    /** Whether a time pane still waits to be reported. */
    public boolean hasOpenTimeWindows() {
        return !timePanes.isEmpty();
    }

    void write(DataOutput out) throws IOException {
        out.writeUTF(modelName);
        out.writeLong(modelVersion);
        out.writeByte(task.ordinal());
        out.writeLong(served);
        out.writeLong(closed);
        out.writeLong(expired);
        out.writeLong(late);
        out.writeLong(outOfTimeWindow);
        out.writeLong(timeClosedThrough);
        out.writeInt(countPanes.size());
        for (WindowMetrics pane : countPanes) {
            pane.write(out);
        }
        countPane.write(out);
        out.writeInt(timePanes.size());
        for (Map.Entry<Long, WindowMetrics> w : timePanes.entrySet()) {
            out.writeLong(w.getKey());
            w.getValue().write(out);
        }
        drift.write(out);
        baseline.write(out);
    }

    static ModelQuality read(DataInput in) throws IOException {
        String name = in.readUTF();
        long version = in.readLong();
        QualityTask task = WindowMetrics.task(in.readByte());
        long served = in.readLong();
        long closed = in.readLong();
        long expired = in.readLong();
        long late = in.readLong();
        long outOfTimeWindow = in.readLong();
        long timeClosedThrough = in.readLong();
        int finished = in.readInt();
        List<WindowMetrics> countPanes = new ArrayList<>(finished);
        for (int i = 0; i < finished; i++) {
            countPanes.add(WindowMetrics.read(in));
        }
        WindowMetrics open = WindowMetrics.read(in);
        int windows = in.readInt();
        TreeMap<Long, WindowMetrics> time = new TreeMap<>();
        for (int i = 0; i < windows; i++) {
            long start = in.readLong();
            time.put(start, WindowMetrics.read(in));
        }
        PageHinkley drift = PageHinkley.read(in);
        ModelQuality q = new ModelQuality(name, version, task, open, drift, RunningBaseline.read(in));
        q.served = served;
        q.closed = closed;
        q.expired = expired;
        q.late = late;
        q.outOfTimeWindow = outOfTimeWindow;
        q.timeClosedThrough = timeClosedThrough;
        q.countPanes.addAll(countPanes);
        q.timePanes.putAll(time);
        return q;
    }
}
