package ai.factory.onnx;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The native threads ONNX Runtime starts for its sessions' intra-op pools (one fewer than the intra-op threads): they
 * are no Java threads, so no {@code ThreadMXBean} sees them. On Linux they inherit the name of the thread that created
 * the session, which tells them from threads other parts start meanwhile: the ones new in {@code /proc/self/task}
 * across a session's creation, named like its creator, are that session's. Elsewhere there are none to report.
 */
final class PoolThreads {

    private static final Path TASKS = Path.of("/proc/self/task");

    /** Live pool threads of the sessions made so far; the dead are dropped at each session made. */
    private final Set<Long> ids = ConcurrentHashMap.newKeySet();

    /** The threads named like the calling thread now (itself included), before a session is made. */
    static Set<Long> namedLikeCaller() {
        Set<Long> found = new HashSet<>();
        String name = comm(Path.of("/proc/thread-self"));
        if (name == null) {
            return found;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                if (name.equals(comm(task))) {
                    found.add(Long.parseLong(task.getFileName().toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: no pool threads can be found, and none are reported
        }
        return found;
    }

    /** Records the threads named like the caller that were not in {@code before}: the session just made started them. */
    void addStartedSince(Set<Long> before) {
        ids.removeIf(id -> !Files.exists(TASKS.resolve(Long.toString(id))));
        Set<Long> now = namedLikeCaller();
        if (!before.isEmpty() || !now.isEmpty()) {
            now.removeAll(before);
            ids.addAll(now);
        }
    }

    /** The pool threads recorded (some may have ended with their session since). */
    Set<Long> ids() {
        return Set.copyOf(ids);
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
