package ai.factory.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

/** Sizes the MiniCluster a job starts when it runs inside this process (the embedded factory, the tests). */
public final class InProcessFlink {

    /**
     * Network buffers of an in-process cluster. Flink's local default is 64 MiB, allocated off-heap at start; the
     * embedded factory runs two clusters, whose jobs have a handful of channels each, so 16 MiB (512 buffers of 32 KiB)
     * is ample and 96 MiB of resident memory is saved.
     */
    public static final MemorySize NETWORK_MEMORY = MemorySize.ofMebiBytes(16);

    private InProcessFlink() {
    }

    /** {@code conf} with the in-process sizes, unless it sets them itself. */
    public static Configuration sized(Configuration conf) {
        if (!conf.contains(TaskManagerOptions.NETWORK_MEMORY_MIN) && !conf.contains(TaskManagerOptions.NETWORK_MEMORY_MAX)) {
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, NETWORK_MEMORY);
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, NETWORK_MEMORY);
        }
        return conf;
    }

    /**
     * Points the temporary files of the cluster {@code conf} starts (its working directory, the RPC system's jar, the
     * REST uploads) at a fresh folder of its own in the temp folder, and returns it: a MiniCluster closes only after its
     * job's result is in, and a command that exits then left them behind. {@link #removeOnceClosed} removes it.
     */
    public static Path ownTempFolder(Configuration conf, String name) throws IOException {
        Path folder = Files.createTempDirectory(name + "-");
        conf.set(CoreOptions.TMP_DIRS, folder.toString());
        conf.set(WebOptions.TMP_DIR, folder.toString());
        return folder;
    }

    /**
     * Removes {@code folder} (from {@link #ownTempFolder}) once the cluster using it has closed: its working directory
     * ({@code minicluster_*}, removed last as it closes) is gone, or {@code bound} has passed.
     */
    public static void removeOnceClosed(Path folder, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            while (System.nanoTime() < deadline && hasWorkingDirectory(folder)) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Gone already, or going: nothing to do but not fail the caller's stop.
        }
    }

    private static boolean hasWorkingDirectory(Path folder) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.anyMatch(p -> p.getFileName().toString().startsWith("minicluster_"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
