package ai.factory.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native libraries go to a folder the process owns, and ONNX Runtime loads them from there. */
class OrtNativesTest {

    private static final String CORE = System.mapLibraryName("onnxruntime");
    private static final String JNI = System.mapLibraryName("onnxruntime4j_jni");
    private static final String CUDA = System.mapLibraryName("onnxruntime_providers_cuda");

    @TempDir
    Path folder;

    @Test
    void ortLoadsItsLibrariesFromTheConfiguredFolder() throws IOException {
        String configured = System.getProperty(OrtNatives.PATH_PROPERTY);
        assertThat(configured).as("surefire sets the folder").isNotBlank();
        OrtRuntime.environment();
        Path prepared = OrtNatives.prepare();
        assertThat(prepared).isEqualTo(Path.of(configured).toAbsolutePath());
        assertThat(System.getProperty(OrtNatives.PATH_PROPERTY)).isEqualTo(prepared.toString());
        assertThat(prepared.resolve(CORE)).isRegularFile();
        assertThat(prepared.resolve(JNI)).isRegularFile();
        Path maps = Path.of("/proc/self/maps");
        Assumptions.assumeTrue(Files.isReadable(maps), "no /proc on this system");
        List<String> loaded = Files.readAllLines(maps).stream().filter(l -> l.contains(CORE) || l.contains(JNI)).toList();
        assertThat(loaded).isNotEmpty().allMatch(l -> l.contains(prepared.toString()), "mapped from " + prepared);
    }

    @Test
    void fillingCopiesOnceRepairsChangedFilesAndRemovesForeignProviders() throws IOException {
        boolean cpuBuild = OrtNatives.resource(CUDA) == null;
        if (cpuBuild) {
            Files.writeString(folder.resolve(CUDA), "left behind by a GPU build");
        }
        OrtNatives.fill(folder);
        Path core = folder.resolve(CORE);
        long size = Files.size(core);
        assertThat(size).isPositive();
        assertThat(folder.resolve(JNI)).isRegularFile();
        if (cpuBuild) {
            assertThat(folder.resolve(CUDA)).doesNotExist();
        }

        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(core, old);
        OrtNatives.fill(folder);
        assertThat(Files.getLastModifiedTime(core)).as("an up-to-date file is not rewritten").isEqualTo(old);

        byte[] bytes = Files.readAllBytes(core);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(core, bytes);
        OrtNatives.fill(folder);
        assertThat(Files.size(core)).isEqualTo(size);
        assertThat(Files.readAllBytes(core)[bytes.length / 2]).as("a damaged file of the same size is replaced")
                .isEqualTo((byte) (bytes[bytes.length / 2] ^ 0x5a));
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }
}
