package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.factory.feedback.drift.PageHinkley;
import ai.factory.records.DriftSignal;
import ai.factory.records.QualityReport;

/**
 * Online quality of one model version: its counters, the open count window, the open time windows
 * and the drift detector on its loss stream. Applying an outcome returns the reports it completes.
 */
public final class ModelQuality {

    /** Window name of a report raised by the drift detector. */
    public static final String DRIFT_WINDOW = "drift";

    private final String modelName;
    private final long modelVersion;
    private long served;
    private long closed;
    private long expired;
    private long late;
    private long outOfTimeWindow;
    private WindowMetrics countWindow;
    private final TreeMap<Long, WindowMetrics> timeWindows = new TreeMap<>();
    private long timeClosedThrough = Long.MIN_VALUE;
    private final PageHinkley drift;

    private ModelQuality(String modelName, long modelVersion, WindowMetrics countWindow, PageHinkley drift) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.countWindow = countWindow;
        this.drift = drift;
    }

    public static ModelQuality create(String modelName, long modelVersion, QualitySettings settings) {
        return new ModelQuality(modelName, modelVersion, WindowMetrics.empty(settings),
                new PageHinkley(settings.driftDelta(), settings.driftLambda(), settings.driftMinSamples()));
    }

    public ModelCounters counters() {
        return new ModelCounters(Math.max(0, served - closed), expired, late);
    }

    /** Judged predictions whose time window had already been reported when they arrived (counted in count windows only). */
    public long outOfTimeWindow() {
        return outOfTimeWindow;
    }

    /** Applies one outcome; returns the reports it completes (a full count window, a drift alarm). */
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
        double loss = countWindow.add(o.score(), o.label(), o.eventTime(), o.time());
        long start = Math.floorDiv(o.time(), settings.timeWindow().toMillis()) * settings.timeWindow().toMillis();
        if (start + settings.timeWindow().toMillis() <= timeClosedThrough) {
            outOfTimeWindow++;
        } else {
            timeWindows.computeIfAbsent(start, s -> WindowMetrics.empty(settings))
                    .add(o.score(), o.label(), o.eventTime(), o.time());
        }
        drift.add(loss).ifPresent(alarm -> reports.add(countWindow.report(modelName, modelVersion, DRIFT_WINDOW,
                o.time(), counters(), new DriftSignal(alarm.detector(), alarm.statistic(), alarm.seen()))));
        if (countWindow.count() >= settings.countWindow()) {
            reports.add(countWindow.report(modelName, modelVersion, "count:" + settings.countWindow(),
                    countWindow.latestLabelTime(), counters(), null));
            countWindow = WindowMetrics.empty(settings);
        }
    }

    /** Reports and forgets every time window that ends at or before {@code through}. */
    public List<QualityReport> closeTimeWindows(long through, QualitySettings settings) {
        List<QualityReport> reports = new ArrayList<>();
        long length = settings.timeWindow().toMillis();
        while (!timeWindows.isEmpty() && timeWindows.firstKey() + length <= through) {
            Map.Entry<Long, WindowMetrics> first = timeWindows.pollFirstEntry();
            long end = first.getKey() + length;
            reports.add(first.getValue().report(modelName, modelVersion, "time:" + settings.timeWindow(), end,
                    counters(), null));
            timeClosedThrough = Math.max(timeClosedThrough, end);
        }
        return reports;
    }

    /** Whether a time window is still open. */
    public boolean hasOpenTimeWindows() {
        return !timeWindows.isEmpty();
    }

    void write(DataOutput out) throws IOException {
        out.writeUTF(modelName);
        out.writeLong(modelVersion);
        out.writeLong(served);
        out.writeLong(closed);
        out.writeLong(expired);
        out.writeLong(late);
        out.writeLong(outOfTimeWindow);
        out.writeLong(timeClosedThrough);
        countWindow.write(out);
        out.writeInt(timeWindows.size());
        for (Map.Entry<Long, WindowMetrics> w : timeWindows.entrySet()) {
            out.writeLong(w.getKey());
            w.getValue().write(out);
        }
        drift.write(out);
    }

    static ModelQuality read(DataInput in) throws IOException {
        String name = in.readUTF();
        long version = in.readLong();
        long served = in.readLong();
        long closed = in.readLong();
        long expired = in.readLong();
        long late = in.readLong();
        long outOfTimeWindow = in.readLong();
        long timeClosedThrough = in.readLong();
        WindowMetrics count = WindowMetrics.read(in);
        int windows = in.readInt();
        TreeMap<Long, WindowMetrics> time = new TreeMap<>();
        for (int i = 0; i < windows; i++) {
            long start = in.readLong();
            time.put(start, WindowMetrics.read(in));
        }
        ModelQuality q = new ModelQuality(name, version, count, PageHinkley.read(in));
        q.served = served;
        q.closed = closed;
        q.expired = expired;
        q.late = late;
        q.outOfTimeWindow = outOfTimeWindow;
        q.timeClosedThrough = timeClosedThrough;
        q.timeWindows.putAll(time);
        return q;
    }
}
