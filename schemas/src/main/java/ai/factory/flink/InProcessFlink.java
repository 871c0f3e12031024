package ai.factory.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;

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
}
