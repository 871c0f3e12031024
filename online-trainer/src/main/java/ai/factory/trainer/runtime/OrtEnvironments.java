package ai.factory.trainer.runtime;

import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.OrtEnvironment;

/**
 * The process-wide ONNX Runtime environment, created on a thread with a large stack: with a long classpath
 * (Flink + Kafka) loading the native library on a default 1 MiB thread stack crashed the JVM with SIGSEGV
 * on the development machine, while a 16 MiB stack (or {@code -Xss8m}) does not.
 */
public final class OrtEnvironments {

    private static final long INIT_STACK_BYTES = 16L * 1024 * 1024;
    private static volatile OrtEnvironment environment;

    private OrtEnvironments() {
    }

    public static OrtEnvironment get() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (OrtEnvironments.class) {
            if (environment == null) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicReference<OrtEnvironment> created = new AtomicReference<>();
                Thread init = new Thread(null, () -> {
                    try {
                        created.set(OrtEnvironment.getEnvironment());
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "onnxruntime-init", INIT_STACK_BYTES);
                init.start();
                try {
                    init.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading ONNX Runtime", e);
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("cannot load ONNX Runtime: " + failure.get(), failure.get());
                }
                environment = created.get();
            }
            return environment;
        }
    }
}
