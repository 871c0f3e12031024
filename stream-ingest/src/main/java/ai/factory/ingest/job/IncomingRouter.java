package ai.factory.ingest.job;

import java.util.HashMap;
import java.util.Map;

import ai.factory.metrics.CostMeters;
import ai.factory.metrics.CpuMeter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends accepted records on to the keyed steps and rejections to the dead-letter side output, counting both. */
public final class IncomingRouter extends ProcessFunction<Incoming, StageInput> {

    /** Side output of records bound for the dead-letter topic. */
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected") { };

    private transient MetricGroup metrics;
    private transient Counter eventsIn;
    private transient Counter feedbackIn;
    private transient Map<String, Counter> rejectedByReason;
    private transient CpuMeter cost;

    @Override
    public void open(OpenContext openContext) {
        metrics = IngestMetrics.group(getRuntimeContext().getMetricGroup());
        eventsIn = metrics.counter(IngestMetrics.EVENTS_IN);
        feedbackIn = metrics.counter(IngestMetrics.FEEDBACK_IN);
        rejectedByReason = new HashMap<>();
        cost = IngestMetrics.cost(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void close() {
        if (cost != null) { // null when open failed
            cost.lap();
        }
    }

    @Override
    public void processElement(Incoming in, Context ctx, Collector<StageInput> out) {
        cost.tick();
        if (in.accepted() != null) {
            if (in.accepted().isVector()) {
                eventsIn.inc();
                cost.units(CostMeters.EVENTS, 1);
            } else {
                feedbackIn.inc();
            }
            out.collect(in.accepted());
        } else {
            Rejection r = in.rejection();
            rejectedByReason.computeIfAbsent(r.reasonCode(),
                    code -> metrics.addGroup("reason", code).counter(IngestMetrics.REJECTED)).inc();
            ctx.output(REJECTED, r);
        }
    }
}
