package ai.factory.cli.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs {@code factory demo} in a child JVM (this JVM's own java, class path and flags, so the same heap) and returns
 * its JSON report and its peak resident memory: a run measured from outside, as an operator would see it. The child's
 * output goes to a log file; a run that outlives its time limit is killed and reported as a failure.
 */
public final class DemoProcess {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a finished run left: its report, the peak resident set size, its wall time and the log. */
    public record Result(Map<String, Object> report, long peakRssBytes, double wallSeconds, int exitCode, Path log) {
    }

    private DemoProcess() {
    }

    /**
     * Runs {@code factory demo ARGS --report FILE --ops-port 0} in {@code dir} (its log and report go there) and
     * waits at most {@code limit}; {@code heap} (such as {@code 1536m}) replaces this JVM's maximum heap, null keeps it.
     */
    public static Result run(String name, List<String> demoArgs, String heap, Path dir, Duration limit)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path report = dir.resolve(name + ".json");
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(report);
        Files.deleteIfExists(dir.resolve(name + ".run.json"));
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String jvmArg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (heap == null || !jvmArg.startsWith("-Xmx")) {
                command.add(jvmArg);
            }
        }
        if (heap != null) {
            command.add("-Xmx" + heap);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("ai.factory.cli.FactoryCli");
        command.add("demo");
        command.addAll(demoArgs);
        command.addAll(List.of("--report", report.toString(), "--ops-port", "0"));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Ctrl-C or SIGTERM of this JVM stops the child too (SIGTERM: it removes its work folder), not leave it running.
        Thread stopChild = new Thread(process::destroy, "demo-process-stop");
        Runtime.getRuntime().addShutdownHook(stopChild);
        long peak = 0;
        try {
            long deadline = started + limit.toNanos();
            while (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, peakRss(process.pid()).orElse(0L));
                if (System.nanoTime() > deadline) {
                    throw new IOException("demo run '" + name + "' did not finish within " + limit + "; its log: " + log);
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs and stops the child.
            }
            if (process.isAlive()) {
                // SIGTERM first: the demo's shutdown hook stops its parts and removes its work folder.
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
        double wall = (System.nanoTime() - started) / 1e9;
        // Exit 3 is a run that did not drain in time: its report says so (drained: false) and is still worth reading.
        if (!Files.exists(report)) {
            // Exit 3 without a report is the JVM's own: -XX:+ExitOnOutOfMemoryError.
            throw new IOException("demo run '" + name + "' failed (exit " + process.exitValue()
                    + (process.exitValue() == 3 ? ", out of heap" : "") + "); its log: " + log);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> json = JSON.readValue(report.toFile(), Map.class);
        Result result = new Result(json, peak, wall, process.exitValue(), log);
        JSON.writeValue(dir.resolve(name + ".run.json").toFile(), new Saved(demoArgs, heap, peak, wall, result.exitCode()));
        return result;
    }

    /** What {@link #saved} needs of a finished run beside its report, kept as NAME.run.json. */
    record Saved(List<String> args, String heap, long peakRssBytes, double wallSeconds, int exitCode) {
    }

    /** The run an earlier process saved in {@code dir} as {@code name}, if it ran with the same arguments and heap. */
    public static Optional<Result> saved(String name, List<String> demoArgs, String heap, Path dir) throws IOException {
        Path run = dir.resolve(name + ".run.json");
        Path report = dir.resolve(name + ".json");
        if (!Files.exists(run) || !Files.exists(report)) {
            return Optional.empty();
        }
        Saved saved = JSON.readValue(run.toFile(), Saved.class);
        if (!saved.args().equals(demoArgs) || !java.util.Objects.equals(saved.heap(), heap)) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> json = JSON.readValue(report.toFile(), Map.class);
        return Optional.of(new Result(json, saved.peakRssBytes(), saved.wallSeconds(), saved.exitCode(), dir.resolve(name + ".log")));
    }

    /** The process's peak resident set (VmHWM of /proc/PID/status), where Linux tells it. */
    static Optional<Long> peakRss(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // Not Linux, or the process just ended.
        }
        return Optional.empty();
    }
}
