package ai.factory.ingest.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.ingest.features.Aggregates;
import ai.factory.ingest.features.FeatureLayout;
import ai.factory.metrics.CpuMeter;
import ai.factory.ingest.features.FeatureLayout.EventWindow;
import ai.factory.ingest.features.FeatureLayout.FeedbackWindow;
import ai.factory.ingest.features.FeatureLayout.Stage;
import ai.factory.ingest.features.FeatureLayout.StatefulSlot;
import ai.factory.ingest.features.FeatureLayout.Standardize;
import ai.factory.ingest.features.PartialVector;
import ai.factory.ingest.features.RunningMoments;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One keyed step (keyed by an attribute such as the origin, or globally): fills the stage's stateful
 * slots: window aggregates, feedback aggregates and standardization. When depends on the {@link FeatureTiming}.
 *
 * <p>{@link FeatureTiming#ARRIVAL ARRIVAL}: each event is featurized as it arrives, against the state as it is
 * then, and never waits for the watermark. Its windows count the events and feedback of the key that have already
 * arrived (an earlier event still on its way is missed, by this event only: it enters the state when it comes), and
 * its standardization uses the moments of the events arrived so far, itself included. Events of one timestamp no
 * longer see the same state: the first to arrive does not count the others. So the values depend on arrival order
 * (across partitions, on parallelism and timing), and a replay may give other values than the live run.
 *
 * <p>{@link FeatureTiming#EVENT_TIME EVENT_TIME}: events wait until the watermark passes their time and are then
 * featurized in event-time order, so the values do not depend on arrival order or parallelism. All events of one
 * timestamp are added to the state before any of them is featurized, so ties see the same state.
 *
 * <p>In both: events that arrive behind the watermark are featurized at once against the state as it is, marked
 * late and counted. Feedback is stored on arrival by its own time; an event at {@code t} only counts the other events
 * with time in {@code (t - window, t]} and feedback with time in {@code (t - window, t)}: a label dated at the event's
 * own time (zero label delay) may be that event's own outcome, so it never counts. State leaves on event-time
 * timers once the watermark is a window past it, so it stays bounded in both; timers of events held by
 * {@code EVENT_TIME} still fire after a restore in {@code ARRIVAL}, so switching modes over a savepoint drops none.
 */
public final class KeyedFeatureStage extends KeyedProcessFunction<String, StageInput, StageInput> {

    private final Stage stage;
    private final FeatureTiming timing;
    private transient MapState<Long, List<PartialVector>> pending;
    private transient MapState<Long, double[]> events;
    private transient MapState<Long, double[]> feedback;
    private transient ValueState<double[]> moments;
    private transient Counter late;
    private transient CpuMeter cost;

    public KeyedFeatureStage(Stage stage, FeatureTiming timing) {
        this.stage = stage;
        this.timing = timing;
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        pending = ctx.getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                new ListTypeInfo<>(TypeInformation.of(PartialVector.class))));
        events = ctx.getMapState(new MapStateDescriptor<>("event-series", Types.LONG,
                PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        feedback = ctx.getMapState(new MapStateDescriptor<>("feedback-series", Types.LONG,
                PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        moments = ctx.getState(new ValueStateDescriptor<>("moments", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        late = IngestMetrics.group(ctx.getMetricGroup()).counter(IngestMetrics.LATE);
        cost = IngestMetrics.cost(ctx.getMetricGroup());
    }

    @Override
    public void close() {
        if (cost != null) { // null when open failed
            cost.lap();
        }
    }

    @Override
    public void processElement(StageInput in, Context ctx, Collector<StageInput> out) throws Exception {
        cost.tick();
        if (!in.isVector()) {
            onFeedback(in.fact(), ctx, out);
            return;
        }
        PartialVector vector = in.vector();
        long t = vector.eventTime();
        if (t <= ctx.timerService().currentWatermark()) {
            if (!vector.late()) {
                late.inc();
            }
            featurize(t, List.of(vector.asLate()), ctx, out);
            return;
        }
        if (timing == FeatureTiming.ARRIVAL) {
            featurize(t, List.of(vector), ctx, out);
            return;
        }
        List<PartialVector> waiting = pending.get(t);
        if (waiting == null) {
            waiting = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(t);
        }
        waiting.add(vector);
        pending.put(t, waiting);
    }

    private void onFeedback(FeedbackFact fact, Context ctx, Collector<StageInput> out) throws Exception {
        if (fact.stage() != stage.index()) {
            out.collect(StageInput.of(fact)); // for a later stage
            return;
        }
        long t = fact.feedbackTime();
        double[] bucket = feedback.get(t);
        if (bucket == null) {
            bucket = new double[2];
            ctx.timerService().registerEventTimeTimer(t + stage.maxFeedbackWindowMillis());
        }
        bucket[0] += 1;
        bucket[1] += fact.label();
        feedback.put(t, bucket);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StageInput> out) throws Exception {
        // Buckets that left every window: no on-time event can reach back that far any more.
        if (stage.hasEventWindows()) {
            events.remove(timestamp - stage.maxEventWindowMillis());
        }
        if (stage.hasFeedbackWindows()) {
            feedback.remove(timestamp - stage.maxFeedbackWindowMillis());
        }
        List<PartialVector> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            featurize(timestamp, due, ctx, out);
        }
    }

    /** Adds the events of time {@code t} to the state, then fills their stateful slots. */
    private void featurize(long t, List<PartialVector> vectors, Context ctx, Collector<StageInput> out) throws Exception {
        if (stage.hasEventWindows()) {
            addToSeries(t, vectors, ctx);
        }
        double[] stats = null;
        if (stage.standardizedCount() > 0) {
            stats = moments.value();
            if (stats == null) {
                stats = new double[3 * stage.standardizedCount()];
            }
            for (PartialVector v : vectors) {
                for (StatefulSlot slot : stage.slots()) {
                    if (slot instanceof Standardize s) {
                        RunningMoments.add(stats, s.momentsOffset(), v.inputs()[s.input()]);
                    }
                }
            }
            moments.update(stats);
        }
        double[][] eventSums = stage.hasEventWindows() ? windowSums(events, t, true) : null;
        double[][] feedbackSums = stage.hasFeedbackWindows() ? windowSums(feedback, t, false) : null;
        for (PartialVector v : vectors) {
            float[] dense = v.dense();
            for (int i = 0; i < stage.slots().size(); i++) {
                StatefulSlot slot = stage.slots().get(i);
                double value;
                if (slot instanceof EventWindow w) {
                    // The window holds this event too: the feature describes the others.
                    double count = eventSums[i][0] - 1;
                    double sum = eventSums[i][1] - (w.column() == 0 ? 0 : v.inputs()[stage.seriesInputs()[w.column() - 1]]);
                    value = FeatureLayout.transform(w.transforms(), Aggregates.finish(w.aggregate(), count, sum));
                } else if (slot instanceof FeedbackWindow f) {
                    value = FeatureLayout.transform(f.transforms(),
                            Aggregates.finish(f.aggregate(), feedbackSums[i][0], feedbackSums[i][1]));
                } else {
                    Standardize s = (Standardize) slot;
                    value = RunningMoments.standardize(stats, s.momentsOffset(), v.inputs()[s.input()]);
                }
                dense[slot.denseSlot()] = (float) value;
            }
            out.collect(StageInput.of(v));
        }
    }

    private void addToSeries(long t, List<PartialVector> vectors, Context ctx) throws Exception {
        int[] inputs = stage.seriesInputs();
        double[] bucket = events.get(t);
        if (bucket == null) {
            bucket = new double[1 + inputs.length];
            ctx.timerService().registerEventTimeTimer(t + stage.maxEventWindowMillis());
        }
        for (PartialVector v : vectors) {
            bucket[0] += 1;
            for (int k = 0; k < inputs.length; k++) {
                bucket[k + 1] += v.inputs()[inputs[k]];
            }
        }
        events.put(t, bucket);
    }

    /**
     * For every slot of the wanted kind: {count, sum of its column} over buckets in {@code (t - window, t]} for
     * events, {@code (t - window, t)} for feedback (see the class comment).
     */
    private double[][] windowSums(MapState<Long, double[]> series, long t, boolean eventSeries) throws Exception {
        double[][] sums = new double[stage.slots().size()][2];
        for (Map.Entry<Long, double[]> e : series.entries()) {
            long s = e.getKey();
            if (s > t || (!eventSeries && s == t)) {
                continue;
            }
            double[] bucket = e.getValue();
            for (int i = 0; i < stage.slots().size(); i++) {
                StatefulSlot slot = stage.slots().get(i);
                if (eventSeries && slot instanceof EventWindow w && s > t - w.windowMillis()) {
                    sums[i][0] += bucket[0];
                    sums[i][1] += bucket[w.column()];
                } else if (!eventSeries && slot instanceof FeedbackWindow f && s > t - f.windowMillis()) {
                    sums[i][0] += bucket[0];
                    sums[i][1] += bucket[1];
                }
            }
        }
        return sums;
    }
}
