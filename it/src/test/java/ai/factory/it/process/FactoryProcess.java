package ai.factory.it.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code factory} command run as its own JVM, as an operator runs it: started, killed with SIGKILL, stopped with
 * SIGTERM and started again with the same command line. Its standard output and error go to one log file that
 * survives restarts, so a test can read what every incarnation said.
 */
public final class FactoryProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;
    private int starts;

    private FactoryProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /** Starts {@code factory ARGS} in a JVM of {@code heap} with its temp folder and log in {@code dir}. */
    public static FactoryProcess start(String name, Path dir, String heap, String... args) {
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FactoryProcess p = new FactoryProcess(name, javaCommand(dir.resolve("tmp"), heap, args), dir.resolve(name + ".log"));
        p.restart();
        return p;
    }

    /**
     * The JVM command line of {@code factory ARGS}: this JVM's class path and module opens (Flink's, from the build),
     * the product's logging to stderr, an explicit heap and a temp folder of the caller's.
     */
    public static List<String> javaCommand(Path tmp, String heap, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + tmp,
                "-Dlogback.configurationFile=logback.xml"));
        String natives = System.getProperty("onnxruntime.native.path");
        if (natives != null) {
            cmd.add("-Donnxruntime.native.path=" + natives);
        }
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "ai.factory.cli.FactoryCli"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts it (again), with the same command line; the log is appended to. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        try {
            Files.writeString(log, "---- start " + (starts + 1) + " of " + name + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            starts++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs. Returns once the process is gone. */
    public synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM, as Ctrl-C or an orchestrator's stop; returns the exit code, or fails after {@code seconds}. */
    public synchronized int stop(long seconds) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not stop within " + seconds + " s of SIGTERM");
        }
        return process.exitValue();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code once it ended by itself within {@code seconds}. */
    public int awaitExit(long seconds) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " still running after " + seconds + " s");
        }
        return p.exitValue();
    }

    public synchronized int starts() {
        return starts;
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return log;
    }

    /** Everything it printed so far, over all its starts. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
