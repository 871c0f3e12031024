package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;

import ai.factory.drift.PageHinkley;
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
 *
 * <p>State is kept in two parts, so that what one outcome costs to store does not grow with the panes kept: a small
 * header (counters, drift detector, running mean, where the panes are; {@link ModelQualitySerde}) that the caller
 * stores after every change, and the panes, each under its own key in a {@link PaneStore}, written through as soon as
 * they change. A finished count pane is never written again; a time pane is written when a judgement falls into it.
 * Only the count panes and a few recent time panes are kept in memory.
 */
public final class ModelQuality {

    /** Window name of a report raised by the drift detector. */
    public static final String DRIFT_WINDOW = "drift";

    /** Time panes kept in memory besides the store (the ones judgements fell into last; labels mostly move forward). */
    static final int LOADED_TIME_PANES = 8;

    private final String modelName;
    private final long modelVersion;
    private final QualityTask task;
    private final PaneStore panes;
    private long served;
    private long closed;
    private long expired;
    private long late;
    private long outOfTimeWindow;
    /** Sequence number of the open count pane; the finished ones kept are the numbers just before it. */
    private long countSeq;
    /** Finished count panes, oldest first; at most panes - 1 are kept besides the open one. */
    private final Deque<WindowMetrics> countPanes = new ArrayDeque<>();
    private WindowMetrics countPane;
    /**
     * Start of the oldest time pane stored (label time, aligned to the hop), null when there is none. Time panes are
     * kept while a window yet to be reported covers them.
     */
    private Long firstTimePane;
    /** Some of the stored time panes, by start: the same as in the store (written through), never more. */
    private final TreeMap<Long, WindowMetrics> loadedTimePanes = new TreeMap<>();
    /** End of the newest time window reported. */
    private long timeClosedThrough = Long.MIN_VALUE;
    private final PageHinkley drift;
    /** Regression only: the mean of the labels judged so far. */
    private final RunningBaseline baseline;

    private ModelQuality(String modelName, long modelVersion, QualityTask task, PaneStore panes,
                         WindowMetrics countPane, PageHinkley drift, RunningBaseline baseline) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.task = task;
        this.panes = panes;
        this.countPane = countPane;
        this.drift = drift;
        this.baseline = baseline;
    }

    /** A new version's quality, judged as the task the settings give its model name, its panes kept in {@code panes}. */
    public static ModelQuality create(String modelName, long modelVersion, QualitySettings settings, PaneStore panes) {
        QualityTask task = settings.task(modelName);
        return new ModelQuality(modelName, modelVersion, task, panes, WindowMetrics.empty(task, settings),
                new PageHinkley(settings.driftDelta(), settings.driftLambda(), settings.driftMinSamples()),
                new RunningBaseline());
    }

    /** A new version's quality with its panes in memory. */
    public static ModelQuality create(String modelName, long modelVersion, QualitySettings settings) {
        return create(modelName, modelVersion, settings, PaneStore.inMemory());
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
            timePane = timePane(start, settings);
        }
        double loss = task == QualityTask.BINARY ? judgeBinary(o, timePane) : judgeRegression(o, timePane);
        if (timePane != null) {
            panes.putTimePane(start, timePane);
        }
        panes.putCountPane(countSeq, countPane);
        drift.add(loss).ifPresent(alarm -> reports.add(countWindow(settings).report(modelName, modelVersion,
                DRIFT_WINDOW, o.time(), counters(), new DriftSignal(alarm.detector(), alarm.statistic(), alarm.seen()))));
        if (countPane.count() >= settings.countHop()) {
            WindowMetrics window = countWindow(settings);
            reports.add(window.report(modelName, modelVersion, "count:" + settings.countWindow(),
                    window.latestLabelTime(), counters(), null));
            // The finished pane is stored as it is; the next one is stored once it holds a judgement.
            countPanes.addLast(countPane);
            countSeq++;
            countPane = WindowMetrics.empty(task, settings);
            while (countPanes.size() >= settings.panes()) {
                panes.deleteCountPane(countSeq - countPanes.size());
                countPanes.removeFirst();
            }
        }
    }

    /** The time pane starting at {@code start}: kept in memory, else stored, else a new one. */
    private WindowMetrics timePane(long start, QualitySettings settings) {
        WindowMetrics pane = loadedTimePanes.get(start);
        if (pane == null) {
            pane = panes.timePane(start);
            if (pane == null) {
                pane = WindowMetrics.empty(task, settings);
                if (firstTimePane == null || start < firstTimePane) {
                    firstTimePane = start;
                }
            }
            loadedTimePanes.put(start, pane);
            while (loadedTimePanes.size() > LOADED_TIME_PANES) {
                // Keep the newest (all are stored already): forget the oldest other than the one being judged.
                loadedTimePanes.remove(loadedTimePanes.firstKey() == start ? loadedTimePanes.higherKey(start)
                        : loadedTimePanes.firstKey());
            }
        }
        return pane;
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
        OptionalLong next;
        while ((next = nextTimeWindowEnd(settings)).isPresent() && next.getAsLong() <= through) {
            long end = next.getAsLong();
            List<WindowMetrics> inside = new ArrayList<>();
            for (long start : panes.timePaneStarts(end - length, end)) {
                WindowMetrics pane = loadedTimePanes.get(start);
                inside.add(pane != null ? pane : panes.timePane(start));
            }
            WindowMetrics window = WindowMetrics.merged(inside, task, settings);
            reports.add(window.report(modelName, modelVersion, "time:" + settings.timeWindow(), end, counters(), null));
            timeClosedThrough = end;
            long keepFrom = end - length + 1;
            for (long start : panes.timePaneStarts(firstTimePane, keepFrom)) {
                panes.deleteTimePane(start);
                loadedTimePanes.remove(start);
            }
            OptionalLong first = panes.firstTimePane(keepFrom);
            firstTimePane = first.isPresent() ? first.getAsLong() : null;
        }
        return reports;
    }

    /**
     * End of the next time window to report: the earliest end not yet reported whose window holds the oldest pane
     * (panes older than a window are gone); empty while no time pane waits.
     */
    public OptionalLong nextTimeWindowEnd(QualitySettings settings) {
        if (firstTimePane == null) {
            return OptionalLong.empty();
        }
        long hop = settings.timeHopMillis();
        return OptionalLong.of(Math.max(timeClosedThrough == Long.MIN_VALUE ? Long.MIN_VALUE : timeClosedThrough + hop,
                firstTimePane + hop));
    }

    /** Whether a time pane still waits to be reported. */
    public boolean hasOpenTimeWindows() {
        return firstTimePane != null;
    }

    /** Deletes every pane of this version from its store (the header is the caller's). */
    public void deletePanes() {
        for (long seq = countSeq - countPanes.size(); seq <= countSeq; seq++) {
            panes.deleteCountPane(seq);
        }
        if (firstTimePane != null) {
            for (long start : panes.timePaneStarts(firstTimePane, Long.MAX_VALUE)) {
                panes.deleteTimePane(start);
            }
        }
        countPanes.clear();
        loadedTimePanes.clear();
        firstTimePane = null;
    }

    /** Writes the header: everything but the panes, which are in the {@link PaneStore} already. */
    void writeHeader(DataOutput out) throws IOException {
        out.writeUTF(modelName);
        out.writeLong(modelVersion);
        out.writeByte(task.ordinal());
        out.writeLong(served);
        out.writeLong(closed);
        out.writeLong(expired);
        out.writeLong(late);
        out.writeLong(outOfTimeWindow);
        out.writeLong(timeClosedThrough);
        out.writeLong(countSeq);
        out.writeInt(countPanes.size());
        out.writeBoolean(firstTimePane != null);
        out.writeLong(firstTimePane == null ? 0 : firstTimePane);
        drift.write(out);
        baseline.write(out);
    }

    /** Reads what {@link #writeHeader} wrote; the count panes come from {@code panes}, time panes when needed. */
    static ModelQuality readHeader(DataInput in, PaneStore panes, QualitySettings settings) throws IOException {
        String name = in.readUTF();
        long version = in.readLong();
        QualityTask task = WindowMetrics.task(in.readByte());
        long served = in.readLong();
        long closed = in.readLong();
        long expired = in.readLong();
        long late = in.readLong();
        long outOfTimeWindow = in.readLong();
        long timeClosedThrough = in.readLong();
        long countSeq = in.readLong();
        int finished = in.readInt();
        boolean hasTimePanes = in.readBoolean();
        long firstTimePane = in.readLong();
        PageHinkley drift = PageHinkley.read(in);
        RunningBaseline baseline = RunningBaseline.read(in);
        WindowMetrics open = panes.countPane(countSeq);
        ModelQuality q = new ModelQuality(name, version, task, panes,
                open != null ? open : WindowMetrics.empty(task, settings), drift, baseline);
        q.served = served;
        q.closed = closed;
        q.expired = expired;
        q.late = late;
        q.outOfTimeWindow = outOfTimeWindow;
        q.timeClosedThrough = timeClosedThrough;
        q.countSeq = countSeq;
        for (long seq = countSeq - finished; seq < countSeq; seq++) {
            WindowMetrics pane = panes.countPane(seq);
            if (pane == null) {
                throw new IOException("count pane " + seq + " of " + name + "/" + version + " is missing");
            }
            q.countPanes.addLast(pane);
        }
        q.firstTimePane = hasTimePanes ? firstTimePane : null;
        return q;
    }

    /**
     * Reads a whole version as format 3 kept it in one value (panes included) and writes its panes to {@code panes}:
     * the migration to the header-and-panes layout.
     */
    static ModelQuality readWholeVersion(DataInput in, PaneStore panes) throws IOException {
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
        ModelQuality q = new ModelQuality(name, version, task, panes, open, drift, RunningBaseline.read(in));
        q.served = served;
        q.closed = closed;
        q.expired = expired;
        q.late = late;
        q.outOfTimeWindow = outOfTimeWindow;
        q.timeClosedThrough = timeClosedThrough;
        // The finished panes take numbers 0 .. finished - 1, the open one the next.
        q.countSeq = finished;
        for (int i = 0; i < finished; i++) {
            panes.putCountPane(i, countPanes.get(i));
        }
        q.countPanes.addAll(countPanes);
        if (open.count() > 0) {
            panes.putCountPane(finished, open);
        }
        time.forEach(panes::putTimePane);
        q.firstTimePane = time.isEmpty() ? null : time.firstKey();
        return q;
    }
}
