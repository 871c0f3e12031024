package ai.factory.feedback;

import ai.factory.metrics.CostMeters;
import ai.factory.metrics.CpuMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The app's Micrometer counters. They count work done, including work a crash made the app redo; the
 * exactly-once numbers are the records on the output topics. {@link #cost}: the stream threads' CPU time, per example
 * joined.
 */
public final class FeedbackMetrics {

    private final MeterRegistry registry;
    final Counter examplesFromFeedback;
    final Counter examplesFromDefault;
    final Counter expired;
    final Counter late;
    final Counter unmatched;
    final Counter ignored;
    final Counter reports;
    final Counter driftAlarms;
    final Counter shadowPaired;
    final Counter shadowUnpaired;
    /** Ticked by every processor on every record, so a stream thread's whole time (polls, state, writes) is counted. */
    final CpuMeter cost;

    public FeedbackMetrics(MeterRegistry registry) {
        this.registry = registry;
        examplesFromFeedback = registry.counter("factory.feedback.examples", "label_source", "feedback");
        examplesFromDefault = registry.counter("factory.feedback.examples", "label_source", "default");
        expired = registry.counter("factory.feedback.expired");
        late = registry.counter("factory.feedback.late", "reason", LateReason.LATE);
        unmatched = registry.counter("factory.feedback.late", "reason", LateReason.UNMATCHED);
        ignored = registry.counter("factory.feedback.ignored");
        reports = registry.counter("factory.feedback.quality.reports");
        driftAlarms = registry.counter("factory.feedback.quality.drift");
        shadowPaired = registry.counter("factory.feedback.shadow", "outcome", "paired");
        shadowUnpaired = registry.counter("factory.feedback.shadow", "outcome", "unpaired");
        cost = CostMeters.register(registry, CostMeters.FEEDBACK, false);
    }

    /** Counts a record sent to the dead-letter topic. */
    void deadLetter(String reasonCode) {
        registry.counter("factory.feedback.dead_letters", "reason", reasonCode).increment();
    }
}
