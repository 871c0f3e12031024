package ai.factory.ingest.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ai.factory.ingest.features.FeatureLayout;
import ai.factory.metrics.CpuMeter;
import ai.factory.ingest.features.FeatureLayout.Stage;
import ai.factory.ingest.features.PartialVector;
import ai.factory.ingest.validation.ReasonCode;
import ai.factory.ingest.validation.Violation;
import ai.factory.options.DurationConverter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by event id. Dead-letters repeated event ids ({@link ReasonCode#DUPLICATE}, state with a TTL) and remembers, for each event, the values
 * of the attributes its feedback is aggregated by; feedback about that event id is then re-addressed to
 * those values. Feedback that arrives before its event waits in state (same TTL).
 *
 * <p>Remembering id → key attributes here, rather than joining feedback to published features later,
 * keeps feedback aggregates inside this job's event-time clock, so they can be cut at the event's time.
 *
 * <p>A duplicate's dead letter names its own position on {@code events} and carries no copy of the value: the
 * first delivery's bytes made the vector, and every input record is then either a vector or a dead letter.
 */
public final class DeduplicateAndAttribute extends KeyedProcessFunction<String, StageInput, StageInput> {

    /** Side output of repeated event ids, bound for the dead-letter topic. */
    public static final OutputTag<Rejection> DUPLICATES = new OutputTag<>("duplicates") { };

    private final FeatureLayout layout;
    private final Duration ttl;
    private final String eventsTopic;
    private transient ValueState<String[]> seen;
    private transient ListState<FeedbackFact> waiting;
    private transient Counter duplicates;
    private transient Counter late;
    private transient CpuMeter cost;

    /** @param eventsTopic where the events were read: the source named in a duplicate's dead letter */
    public DeduplicateAndAttribute(FeatureLayout layout, Duration ttl, String eventsTopic) {
        this.layout = layout;
        this.ttl = ttl;
        this.eventsTopic = eventsTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttlConfig = StateTtlConfig.newBuilder(ttl)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .build();
        ValueStateDescriptor<String[]> seenDescriptor = new ValueStateDescriptor<>("seen", Types.OBJECT_ARRAY(Types.STRING));
        seenDescriptor.enableTimeToLive(ttlConfig);
        seen = getRuntimeContext().getState(seenDescriptor);
        ListStateDescriptor<FeedbackFact> waitingDescriptor =
                new ListStateDescriptor<>("feedback-waiting", TypeInformation.of(FeedbackFact.class));
        waitingDescriptor.enableTimeToLive(ttlConfig);
        waiting = getRuntimeContext().getListState(waitingDescriptor);
        var metrics = IngestMetrics.group(getRuntimeContext().getMetricGroup());
        duplicates = metrics.counter(IngestMetrics.DUPLICATES);
        late = metrics.counter(IngestMetrics.LATE);
        cost = IngestMetrics.cost(getRuntimeContext().getMetricGroup());
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
        if (in.isVector()) {
            onEvent(in, ctx, out);
        } else {
            onFeedback(in.fact(), out);
        }
    }

    private void onEvent(StageInput in, Context ctx, Collector<StageInput> out) throws Exception {
        PartialVector vector = in.vector();
        if (seen.value() != null) {
            duplicates.inc();
            Violation violation = new Violation(ReasonCode.DUPLICATE, "event id already seen within the last "
                    + DurationConverter.format(ttl) + "; the first delivery's vector stands");
            ctx.output(DUPLICATES, Rejection.of(vector.id(), violation, eventsTopic, in.sourcePartition(),
                    in.sourceOffset(), null, ctx.timerService().currentProcessingTime()));
            return;
        }
        String[] feedbackKeys = new String[layout.stages().size()];
        for (Stage stage : layout.stages()) {
            if (stage.hasFeedbackWindows()) {
                feedbackKeys[stage.index()] = vector.keys()[stage.index()];
            }
        }
        seen.update(feedbackKeys);
        if (vector.eventTime() <= ctx.timerService().currentWatermark()) {
            late.inc();
            vector = vector.asLate();
        }
        out.collect(StageInput.of(vector));
        List<FeedbackFact> pending = new ArrayList<>();
        waiting.get().forEach(pending::add);
        if (!pending.isEmpty()) {
            waiting.clear();
            for (FeedbackFact fact : pending) {
                attribute(fact, feedbackKeys, out);
            }
        }
    }

    private void onFeedback(FeedbackFact fact, Collector<StageInput> out) throws Exception {
        String[] feedbackKeys = seen.value();
        if (feedbackKeys == null) {
            waiting.add(fact);
        } else {
            attribute(fact, feedbackKeys, out);
        }
    }

    private static void attribute(FeedbackFact fact, String[] feedbackKeys, Collector<StageInput> out) {
        for (int stage = 0; stage < feedbackKeys.length; stage++) {
            if (feedbackKeys[stage] != null) {
                out.collect(StageInput.of(fact.attributedTo(stage, feedbackKeys[stage])));
            }
        }
    }
}
