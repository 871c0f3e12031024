package ai.factory.ops.lag;

import java.time.Duration;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.status.StatusEvaluator;

/**
 * {@code factory lag}: takes a few samples of every consumer group, evenly spaced, and renders the table. With
 * fewer samples than a full window a status reads "judging"; a lag of zero is judged OK at once.
 */
public final class LagReport {

    private LagReport() {
    }

    /** Samples {@code samples} times, {@code interval} apart, and returns the view of the last sample. */
    public static LagSnapshot collect(KafkaConnection connection, int samples, Duration interval) throws InterruptedException {
        if (samples < 1) {
            throw new IllegalArgumentException("at least one sample: " + samples);
        }
        LagMonitor monitor = new LagMonitor(new StatusEvaluator(Math.max(2, samples)), interval.toMillis());
        try (LagSampler sampler = new LagSampler(connection)) {
            LagSnapshot snapshot = monitor.accept(sampler.sample());
            for (int i = 1; i < samples; i++) {
                Thread.sleep(interval.toMillis());
                snapshot = monitor.accept(sampler.sample());
            }
            return snapshot;
        }
    }

    /** Samples and renders in one step: what {@code factory lag} prints. */
    public static String render(KafkaConnection connection, int samples, Duration interval, boolean partitions)
            throws InterruptedException {
        return LagTable.render(collect(connection, samples, interval), partitions);
    }
}
