package ai.factory.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime started from class loaders that come and go in one JVM, as Flink's child-first user-code class loader
 * does in a TaskManager for each job (and for a job resubmitted from its checkpoint): each loads its own copy of the
 * native libraries and nothing is left in the temporary folder. With one folder shared by every class loader the
 * second failed: the JVM refuses a library file already loaded by another class loader.
 */
class OrtClassLoadersTest {

    @Test
    void everyClassLoaderStartsOrtAndLeavesNothingInTheTemporaryFolder() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<String> before = entries(tmp);
        String configured = System.getProperty(OrtNatives.PATH_PROPERTY);
        for (int job = 0; job < 3; job++) {
            try (URLClassLoader loader = jobClassLoader()) {
                Class<?> runtime = Class.forName(OrtRuntime.class.getName(), true, loader);
                assertThat(runtime).isNotSameAs(OrtRuntime.class);
                Object environment = runtime.getMethod("environment").invoke(null);
                assertThat(environment.getClass().getClassLoader()).as("ORT of job %d", job).isSameAs(loader);
                Method version = environment.getClass().getMethod("getVersion");
                assertThat((String) version.invoke(environment)).isNotBlank();
                // A class loader's private libraries go when it is released (Flink's release hook).
                Class.forName(OrtNatives.class.getName(), true, loader).getMethod("release").invoke(null);
            }
            assertThat(entries(tmp)).as("temporary folder after job %d", job).isEqualTo(before);
            assertThat(System.getProperty(OrtNatives.PATH_PROPERTY)).isEqualTo(configured);
        }
        // And the application class loader's own ORT still starts from the configured folder.
        assertThat(OrtRuntime.environment()).isNotNull();
        assertThat(OrtNatives.prepare()).isEqualTo(Path.of(configured).toAbsolutePath());
    }

    /** A loader like Flink's child-first one: ORT, this module and slf4j from its own URLs, only the JDK from above. */
    private static URLClassLoader jobClassLoader() throws IOException {
        List<URL> urls = Stream.of(OrtEnvironment.class, OrtNatives.class, LoggerFactory.class)
                .map(c -> c.getProtectionDomain().getCodeSource().getLocation()).toList();
        return new URLClassLoader("job", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static Set<String> entries(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
