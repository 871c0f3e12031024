package ai.factory.flink;

import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints and savepoints a job can restore from: {@code --restore-from PATH} checked before the job starts,
 * and {@code --restore-from latest}, the newest completed one in the job's checkpoint directory. A snapshot is
 * completed when its {@code _metadata} file reads back whole; a folder a killed process left half-written (no
 * {@code _metadata}, or a cut one) is skipped.
 */
public final class Snapshots {

    /** The {@code --restore-from} value that picks the newest completed snapshot in the checkpoint directory. */
    public static final String LATEST = "latest";

    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);
    private static final String METADATA = "_metadata";
    /** Flink's names: {@code <dir>/<job id>/chk-<n>} for checkpoints, {@code savepoint-<job>-<random>} for savepoints. */
    private static final Pattern SNAPSHOT = Pattern.compile("chk-\\d+|savepoint-.+");

    private Snapshots() {
    }

    /** One completed snapshot: where it is (what Flink restores from) and when its metadata was written. */
    public record Snapshot(String pointer, long writtenAtMillis) {
    }

    /**
     * What {@code restoreFrom} names, ready for {@link #applyTo}: null when it is null, or when it is {@code latest}
     * and {@code checkpointDir} holds no completed snapshot yet (then the job starts fresh, which one log line says).
     *
     * @throws IllegalArgumentException in one line: no snapshot at the path, one Flink cannot read, or {@code latest}
     *                                  without a checkpoint directory
     */
    public static String resolve(String restoreFrom, String checkpointDir) {
        if (restoreFrom == null) {
            return null;
        }
        if (LATEST.equals(restoreFrom)) {
            if (checkpointDir == null) {
                throw new IllegalArgumentException("--restore-from latest needs --checkpoint-dir: the folder to find the newest checkpoint in");
            }
            Optional<Snapshot> newest = newest(checkpointDir);
            if (newest.isEmpty()) {
                log.info("--restore-from latest: no completed checkpoint or savepoint in {} yet; starting fresh", checkpointDir);
                return null;
            }
            log.info("--restore-from latest: restoring from {}", newest.get().pointer());
            return newest.get().pointer();
        }
        check(restoreFrom);
        return restoreFrom;
    }

    /**
     * Restores the job from {@code pointer} (a resolved one, or null for none). A snapshot inside the job's own
     * {@code checkpointDir} is claimed: the job owns it and deletes it once newer checkpoints complete, so a job
     * restarted again and again does not pile up copies of its state. One elsewhere is only read.
     */
    public static Configuration applyTo(Configuration conf, String pointer, String checkpointDir) {
        if (pointer != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, pointer);
            conf.set(StateRecoveryOptions.RESTORE_MODE,
                    checkpointDir != null && isInside(pointer, checkpointDir) ? RecoveryClaimMode.CLAIM : RecoveryClaimMode.NO_CLAIM);
        }
        return conf;
    }

    /** The newest completed checkpoint or savepoint in {@code checkpointDir} (any job's, at most two levels down). */
    public static Optional<Snapshot> newest(String checkpointDir) {
        Path root = new Path(checkpointDir);
        List<Snapshot> candidates = new ArrayList<>();
        try {
            FileSystem fs = root.getFileSystem();
            if (!fs.exists(root)) {
                return Optional.empty();
            }
            for (FileStatus child : list(fs, root)) {
                if (!child.isDir()) {
                    continue;
                }
                if (SNAPSHOT.matcher(child.getPath().getName()).matches()) {
                    candidate(fs, child.getPath()).ifPresent(candidates::add);
                    continue;
                }
                // A job's folder (its id) or the savepoints folder.
                for (FileStatus grandchild : list(fs, child.getPath())) {
                    if (grandchild.isDir() && SNAPSHOT.matcher(grandchild.getPath().getName()).matches()) {
                        candidate(fs, grandchild.getPath()).ifPresent(candidates::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the checkpoint directory " + checkpointDir + ": " + e.getMessage(), e);
        }
        candidates.sort(Comparator.comparingLong(Snapshot::writtenAtMillis).thenComparing(Snapshot::pointer).reversed());
        for (Snapshot s : candidates) {
            Optional<String> problem = problem(s.pointer());
            if (problem.isEmpty()) {
                return Optional.of(s);
            }
            log.info("skipping {}: {}", s.pointer(), problem.get());
        }
        return Optional.empty();
    }

    /**
     * Checks that {@code pointer} (a snapshot's folder or its {@code _metadata} file) is a snapshot Flink can read.
     *
     * @throws IllegalArgumentException in one line naming the path and what is wrong
     */
    public static void check(String pointer) {
        problem(pointer).ifPresent(p -> {
            throw new IllegalArgumentException("--restore-from " + pointer + ": " + p);
        });
    }

    /** Why {@code pointer} cannot be restored from, if it cannot. */
    static Optional<String> problem(String pointer) {
        Path path = new Path(pointer);
        try {
            FileSystem fs = path.getFileSystem();
            if (!fs.exists(path)) {
                return Optional.of("no checkpoint or savepoint there (it does not exist)");
            }
            boolean folder = fs.getFileStatus(path).isDir();
            Path metadata = folder ? new Path(path, METADATA) : path;
            if (!fs.exists(metadata)) {
                return Optional.of("not a completed checkpoint or savepoint (no " + METADATA + " file)");
            }
            try (InputStream in = fs.open(metadata); DataInputStream data = new DataInputStream(in)) {
                // The folder resolves the relative paths inside a savepoint's metadata.
                Checkpoints.loadCheckpointMetadata(data, Snapshots.class.getClassLoader(),
                        (folder ? path : path.getParent()).toString());
            }
            return Optional.empty();
        } catch (FileNotFoundException e) {
            return Optional.of("no checkpoint or savepoint there (it does not exist)");
        } catch (IOException | RuntimeException e) {
            // A cut file ends in an EOFException; anything else Flink could not read either.
            return Optional.of("its " + METADATA + " cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "), e.g. a write cut short");
        }
    }

    private static Optional<Snapshot> candidate(FileSystem fs, Path folder) throws IOException {
        Path metadata = new Path(folder, METADATA);
        try {
            return Optional.of(new Snapshot(pointer(folder), fs.getFileStatus(metadata).getModificationTime()));
        } catch (FileNotFoundException e) {
            log.info("skipping {}: not completed (no {} file)", folder, METADATA);
            return Optional.empty();
        }
    }

    /** A local folder as its plain path (what messages and a resume command show), any other as its URI. */
    private static String pointer(Path folder) {
        URI uri = folder.toUri();
        return "file".equals(uri.getScheme()) ? uri.getPath() : uri.toString();
    }

    private static FileStatus[] list(FileSystem fs, Path folder) throws IOException {
        FileStatus[] children = fs.listStatus(folder);
        return children == null ? new FileStatus[0] : children;
    }

    private static boolean isInside(String pointer, String dir) {
        try {
            URI p = qualified(pointer);
            URI d = qualified(dir);
            String prefix = d.toString().endsWith("/") ? d.toString() : d + "/";
            return p.toString().startsWith(prefix);
        } catch (IOException e) {
            return false;
        }
    }

    private static URI qualified(String location) throws IOException {
        Path path = new Path(location);
        return path.makeQualified(path.getFileSystem()).toUri().normalize();
    }
}
