package ai.factory.ingest.job;

import ai.factory.flink.metrics.FlinkCost;
import ai.factory.metrics.CostMeters;
import ai.factory.metrics.CpuMeter;
import org.apache.flink.metrics.MetricGroup;

/** Where the job's metrics live: Flink metric group {@code factory.ingest}, one place for the names. */
public final class IngestMetrics {

    public static final String EVENTS_IN = "eventsIn";
    public static final String FEEDBACK_IN = "feedbackIn";
    public static final String REJECTED = "rejected";
    public static final String DUPLICATES = "duplicates";
    public static final String LATE = "lateEvents";
    public static final String EVENTS_OUT = "eventsOut";
    public static final String SPEC_VERSION = "specVersion";

    private IngestMetrics() {
    }

    public static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup("factory").addGroup("ingest");
    }

    /** The CPU meter of an operator of the job: every operator ticks it, so each task thread's time is ingest's. */
    public static CpuMeter cost(MetricGroup operatorGroup) {
        return FlinkCost.meter(operatorGroup, CostMeters.INGEST, false);
    }
}
