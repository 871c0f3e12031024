package ai.factory.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * The class loader's ONNX Runtime environment (the process's, unless ORT comes with a job jar), started once:
 * native libraries from {@link OrtNatives}, then the environment created on a thread with a large stack.
 *
 * <p>Why the thread: ORT's native start-up needs more than the JVM's default 1 MiB thread stack. With the full
 * Flink + Kafka class path it crashed the JVM (SIGSEGV, no Java error) on that stack, and not with 16 MiB.
 * Whichever thread first touches an ORT class loads the native library, so call {@link #environment()} before
 * using any other ORT class.
 */
public final class OrtRuntime {

    /** Stack of the thread that starts ORT. */
    static final long INIT_STACK_BYTES = 16L * 1024 * 1024;
    private static final String LOG_ID = "ai-factory";

    private static volatile OrtEnvironment environment;

    private OrtRuntime() {
    }

    /** The environment, created on first use. */
    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (OrtRuntime.class) {
            if (environment == null) {
                environment = OrtNatives.load(OrtRuntime::createOnBigStack);
                removeTelemetryTrace();
            }
            return environment;
        }
    }

    /**
     * Where ONNX Runtime's telemetry layer (seen with 1.29 on Linux) leaves an empty {@code mat-debug-PID.log} when the
     * environment starts: the native temp folder ({@code $TMPDIR}, else {@code /tmp}), not the JVM's.
     */
    static Path telemetryTrace() {
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp == null || tmp.isBlank() ? "/tmp" : tmp, "mat-debug-" + ProcessHandle.current().pid() + ".log");
    }

    /** Deletes that file while it is empty, so a run leaves nothing in the temp folder. */
    private static void removeTelemetryTrace() {
        Path trace = telemetryTrace();
        try {
            if (Files.isRegularFile(trace) && Files.size(trace) == 0) {
                Files.delete(trace);
            }
        } catch (IOException e) {
            // Left behind: an empty file, not worth failing the start for.
        }
    }

    private static OrtEnvironment createOnBigStack() {
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread init = new Thread(null, () -> {
            try {
                created.set(OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, LOG_ID));
            } catch (RuntimeException | LinkageError e) {
                failure.set(e);
            }
        }, "onnxruntime-init", INIT_STACK_BYTES);
        init.start();
        try {
            init.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("ONNX Runtime did not start: " + failure.get(), failure.get());
        }
        return created.get();
    }
}
