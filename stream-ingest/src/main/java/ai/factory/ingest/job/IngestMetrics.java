package ai.factory.ingest.job;

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
}
