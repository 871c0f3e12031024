package ai.factory.scoring.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts ONNX Runtime once per process: its native libraries in a folder the process owns, its environment
 * created on a thread with enough stack.
 *
 * <p>ORT 1.29 reads the folder from the system property {@code onnxruntime.native.path} and then expects the
 * libraries to be there already; without the property it unpacks them into {@code java.io.tmpdir} at every
 * start. This class unpacks them once into that folder (or into {@code ~/.factory/onnxruntime-native/<version>}
 * when the property is unset) and sets the property.
 */
public final class OrtNatives {

    public static final String PATH_PROPERTY = "onnxruntime.native.path";

    private static final Logger log = LoggerFactory.getLogger(OrtNatives.class);
    /** The core library, its JNI binding, and the provider libraries a GPU build carries. */
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni",
            "onnxruntime_providers_shared", "onnxruntime_providers_cuda");

    /** Stack for the thread that initialises ORT: on this JVM its native start-up overflows a 1 MiB thread stack. */
    private static final long INIT_STACK_BYTES = 16L * 1024 * 1024;

    private static Path prepared;
    private static OrtEnvironment environment;

    private OrtNatives() {
    }

    /** Makes sure the native folder holds this jar's libraries; returns the folder. Idempotent. */
    public static synchronized Path prepare() {
        if (prepared != null) {
            return prepared;
        }
        String configured = System.getProperty(PATH_PROPERTY);
        Path folder = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".factory", "onnxruntime-native", ortVersion());
        String resourceFolder = "/ai/onnxruntime/native/" + platform() + "/";
        try {
            Files.createDirectories(folder);
            for (String library : LIBRARIES) {
                String file = System.mapLibraryName(library);
                try (InputStream in = OrtNatives.class.getResourceAsStream(resourceFolder + file)) {
                    if (in != null) {
                        unpack(in, folder.resolve(file), resourceFolder + file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack ONNX Runtime native libraries into " + folder, e);
        }
        System.setProperty(PATH_PROPERTY, folder.toAbsolutePath().toString());
        prepared = folder;
        log.debug("ONNX Runtime native libraries in {}", folder);
        return folder;
    }

    /**
     * The process's ORT environment, created on first use on a thread with a large stack (ORT's native start-up
     * needs more than the JVM's default 1 MiB thread stack, and crashes the process without a Java error if it
     * does not get it).
     */
    public static synchronized OrtEnvironment environment() {
        if (environment != null) {
            return environment;
        }
        prepare();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread init = new Thread(null, () -> {
            try {
                outcome.set(OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "factory-scoring"));
            } catch (RuntimeException | Error e) {
                outcome.set(e);
            }
        }, "onnxruntime-init", INIT_STACK_BYTES);
        init.start();
        try {
            init.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
        }
        if (outcome.get() instanceof OrtEnvironment created) {
            environment = created;
            return created;
        }
        throw new IllegalStateException("ONNX Runtime did not start", (Throwable) outcome.get());
    }

    private static void unpack(InputStream in, Path target, String resource) throws IOException {
        long size = resourceSize(resource);
        if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
            return;
        }
        // Write beside the target and move it in place, so a concurrent process never loads a half-written file.
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static long resourceSize(String resource) throws IOException {
        var url = OrtNatives.class.getResource(resource);
        if (url == null) {
            return -1;
        }
        return url.openConnection().getContentLengthLong();
    }

    private static String ortVersion() {
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    /** ORT's name for this platform's resource folder, e.g. {@code linux-x64}. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
        return osPart + "-" + archPart;
    }
}
