package ai.factory.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

import ai.onnxruntime.OrtEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the ONNX Runtime jar's native libraries into a folder the process owns and points ONNX Runtime at it.
 *
 * <p>How ORT 1.29 loads them: when its first class initialises it reads {@code onnxruntime.native.path} once.
 * With the property set it loads {@code onnxruntime} and {@code onnxruntime4j_jni} from that folder and fails if
 * they are missing, and it uses any provider library (CUDA, shared, …) that exists there. Without it, it copies
 * every library out of the jar into a fresh folder under {@code java.io.tmpdir} at every start. So this class
 * fills the folder before ORT starts: the property's folder when it is set, else a per-user cache
 * {@code ~/.factory/onnxruntime-native/<version>/<platform>-<cpu|gpu>}. It also removes provider libraries this
 * jar does not carry (left by another build), because ORT would pick them up.
 *
 * <p>Class loaders that come and go: the JVM loads a library file for one class loader only, and refuses it to any
 * other ({@code UnsatisfiedLinkError: ... already loaded in another classloader}). A Flink TaskManager gives every
 * job its own child-first class loader for the job jar, which carries ORT, so a second job, or the same job
 * resubmitted from its checkpoint, could not start ORT from the shared folder. ORT classes from any class loader
 * but the application's therefore get a private folder in {@code java.io.tmpdir}: filled, loaded, and emptied at
 * once (a loaded library stays mapped); provider libraries ORT opens later stay until {@link #release()} (Flink's
 * class-loader release hook) or the JVM's exit. ORT 1.29 also makes an empty {@code onnxruntime-java*} folder
 * there at every start and only deletes it at the JVM's exit; {@link #load} removes it.
 */
public final class OrtNatives {

    /** The system property ORT reads for the folder of its native libraries. */
    public static final String PATH_PROPERTY = "onnxruntime.native.path";

    private static final Logger log = LoggerFactory.getLogger(OrtNatives.class);

    /** Every library name ORT 1.29 loads or looks up: the core, its JNI binding, then the providers. */
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni",
            "onnxruntime_providers_shared", "onnxruntime_providers_cuda", "onnxruntime_providers_rocm",
            "onnxruntime_providers_dnnl", "onnxruntime_providers_openvino", "onnxruntime_providers_tensorrt",
            "onnxruntime_providers_qnn", "webgpu_dawn", "dxil", "dxcompiler");
    private static final String CUDA_PROVIDER = "onnxruntime_providers_cuda";

    private static Path prepared;
    /** The private folder of this class loader's libraries, while it holds any. */
    private static Path owned;

    /**
     * One lock for every copy of this class in the JVM, whatever its class loader: a string literal is interned JVM-wide.
     * ORT reads {@value #PATH_PROPERTY}, a JVM-wide setting, when it starts, so starts from two class loaders must not
     * overlap.
     */
    private static final Object JVM_WIDE_LOCK = "ai.factory.onnx.OrtNatives: loading ONNX Runtime";

    private OrtNatives() {
    }

    /**
     * Makes sure the native folder holds exactly this jar's libraries for this platform and sets
     * {@value #PATH_PROPERTY} to it; returns the folder. Idempotent; call it before any ORT class is used.
     */
    public static synchronized Path prepare() {
        if (prepared != null) {
            return prepared;
        }
        String configured = System.getProperty(PATH_PROPERTY);
        Path folder = fill(configured != null && !configured.isBlank() ? Path.of(configured) : userCache());
        System.setProperty(PATH_PROPERTY, folder.toString());
        prepared = folder;
        log.debug("ONNX Runtime native libraries in {}", folder);
        return folder;
    }

    /**
     * Starts ORT with {@code start} (which must be what first initialises an ORT class) once its native libraries are
     * where ORT will look: the shared folder of {@link #prepare()} when ORT's classes come from the application class
     * loader, which lives as long as the JVM; otherwise a private folder of this class loader.
     */
    public static <T> T load(Supplier<T> start) {
        synchronized (JVM_WIDE_LOCK) {
            if (isApplicationLoader(OrtEnvironment.class.getClassLoader())) {
                prepare();
                return start.get();
            }
            return loadPrivately(start);
        }
    }

    /** Deletes what is left of this class loader's private folder (provider libraries); the libraries stay loaded. */
    public static synchronized void release() {
        if (owned != null) {
            deleteFolder(owned);
            owned = null;
        }
    }

    private static boolean isApplicationLoader(ClassLoader loader) {
        for (ClassLoader l = ClassLoader.getSystemClassLoader(); l != null; l = l.getParent()) {
            if (l == loader) {
                return true;
            }
        }
        return loader == null;
    }

    private static synchronized <T> T loadPrivately(Supplier<T> start) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> ortFoldersBefore = ortTempFolders(tmp);
        Path folder;
        try {
            folder = fill(Files.createTempDirectory(tmp, "factory-onnxruntime-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for ONNX Runtime's native libraries in " + tmp, e);
        }
        owned = folder;
        folder.toFile().deleteOnExit();
        String shared = System.getProperty(PATH_PROPERTY);
        System.setProperty(PATH_PROPERTY, folder.toString());
        try {
            T started = start.get();
            log.info("ONNX Runtime loaded for class loader {} from {}", OrtEnvironment.class.getClassLoader(), folder);
            return started;
        } finally {
            if (shared == null) {
                System.clearProperty(PATH_PROPERTY);
            } else {
                System.setProperty(PATH_PROPERTY, shared);
            }
            // Loaded (or failed): the core and its JNI binding are mapped already, their files are not needed.
            for (String library : List.of("onnxruntime", "onnxruntime4j_jni")) {
                deleteQuietly(folder.resolve(System.mapLibraryName(library)));
            }
            try (Stream<Path> left = Files.list(folder)) {
                left.forEach(p -> p.toFile().deleteOnExit());
            } catch (IOException e) {
                log.debug("cannot list {}: {}", folder, e.toString());
            }
            if (deleteQuietly(folder)) {
                owned = null;
            }
            for (Path ortFolder : ortTempFolders(tmp)) {
                if (!ortFoldersBefore.contains(ortFolder)) {
                    deleteQuietly(ortFolder); // only when empty, as ORT leaves it
                }
            }
        }
    }

    /** ORT's own per-start folders in {@code tmp}. */
    private static Set<Path> ortTempFolders(Path tmp) {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java")).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private static boolean deleteQuietly(Path path) {
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("cannot delete {} yet: {}", path, e.toString());
            return false;
        }
    }

    private static void deleteFolder(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(OrtNatives::deleteQuietly);
        } catch (IOException e) {
            log.debug("cannot list {}: {}", folder, e.toString());
        }
        deleteQuietly(folder);
    }

    /** Copies this jar's libraries into {@code folder} where missing or different, removes the ones it lacks. */
    static Path fill(Path folder) {
        Path absolute = folder.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
            for (String library : LIBRARIES) {
                String file = System.mapLibraryName(library);
                URL resource = resource(file);
                if (resource != null) {
                    unpack(resource, absolute.resolve(file));
                } else if (Files.deleteIfExists(absolute.resolve(file))) {
                    log.info("removed {} from {}: this ONNX Runtime build does not carry it", file, absolute);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack ONNX Runtime native libraries into " + absolute, e);
        }
        return absolute;
    }

    /** ORT's name for this platform's resource folder, e.g. {@code linux-x64}. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
        return osPart + "-" + archPart;
    }

    private static Path userCache() {
        // The CPU and the GPU build share a version number but not their libraries: keep them apart.
        String flavour = resource(System.mapLibraryName(CUDA_PROVIDER)) != null ? "gpu" : "cpu";
        return Path.of(System.getProperty("user.home"), ".factory", "onnxruntime-native", ortVersion(),
                platform() + "-" + flavour);
    }

    /** The jar's copy of the library file {@code file} for this platform, or null. */
    static URL resource(String file) {
        return OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform() + "/" + file);
    }

    private static void unpack(URL resource, Path target) throws IOException {
        if (isCurrent(resource, target)) {
            return;
        }
        // Write beside the target and move it in place, so a concurrent process never loads a half-written file.
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = resource.openStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        log.debug("unpacked {} to {}", resource, target);
    }

    /** Same size and, when the jar records it, the same CRC as the resource. */
    private static boolean isCurrent(URL resource, Path target) throws IOException {
        if (!Files.isRegularFile(target)) {
            return false;
        }
        URLConnection connection = resource.openConnection();
        long size;
        long crc = -1;
        if (connection instanceof JarURLConnection jar) {
            size = jar.getJarEntry().getSize();
            crc = jar.getJarEntry().getCrc();
        } else {
            size = connection.getContentLengthLong();
        }
        if (size < 0 || Files.size(target) != size) {
            return false;
        }
        return crc < 0 || crc == crcOf(target);
    }

    private static long crcOf(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(Files.newInputStream(file), crc)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return crc.getValue();
    }

    private static String ortVersion() {
        // A class literal loads the class without initialising it, so this does not start ORT.
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
