package ai.factory.ops.lag;

import java.time.Duration;

import ai.factory.ops.status.StatusEvaluator;

/**
 * {@code factory lag}: takes a few samples of every consumer group, evenly spaced, and renders the table. With
 * fewer samples than a full window a status reads "judging"; a lag of zero is judged OK at once.
 */
public final class LagReport {

    private LagReport() {
    }

    /** Samples {@code samples} times, {@code interval} apart, and returns the view of the last sample. */
    public static LagSnapshot collect(String bootstrapServers, int samples, Duration interval) throws InterruptedException {
        if (samples < 1) {
            throw new IllegalArgumentException("at least one sample: " + samples);
        }
        LagMonitor monitor = new LagMonitor(new StatusEvaluator(Math.max(2, samples)), interval.toMillis());
        try (LagSampler sampler = new LagSampler(bootstrapServers)) {
            LagSnapshot snapshot = monitor.accept(sampler.sample());
            for (int i = 1; i < samples; i++) {
                Thread.sleep(interval.toMillis());
                snapshot = monitor.accept(sampler.sample());
            }
            return snapshot;
        }
    }

    /** Samples and renders in one step: what {@code factory lag} prints. */
    public static String render(String bootstrapServers, int samples, Duration interval, boolean partitions)
            throws InterruptedException {
        return LagTable.render(collect(bootstrapServers, samples, interval), partitions);
    }

    /** Usage: {@code LagReport BOOTSTRAP [SAMPLES [INTERVAL_MS]]}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: LagReport BOOTSTRAP [SAMPLES [INTERVAL_MS]]");
            System.exit(2);
        }
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Duration interval = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 1000);
        System.out.print(render(args[0], samples, interval, true));
    }
}
