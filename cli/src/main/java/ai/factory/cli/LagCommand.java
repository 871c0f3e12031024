package ai.factory.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.ops.lag.LagReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code factory lag}: the consumer-lag table of the dashboard, in the terminal. */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = {
            "Prints the lag of every consumer group.",
            "Committed offset, last stable offset, lag in records and seconds, and a status (OK, WARN, STALL, STOP, "
                + "ERROR) judged over the samples taken, with the reason."})
final class LagCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--samples", defaultValue = "3", paramLabel = "N",
            description = "Samples to take before printing; statuses need at least 2 (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time between samples (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--partitions", description = "Show a row per partition, not only per group.")
    boolean partitions;

    @Override
    public Integer call() throws InterruptedException {
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be at least 1");
        }
        if (interval == null) {
            throw new IllegalArgumentException("--interval must be a duration");
        }
        spec.commandLine().getOut().print(LagReport.render(kafka.connection(), samples, interval, partitions));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
