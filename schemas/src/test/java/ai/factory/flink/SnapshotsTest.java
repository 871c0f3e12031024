package ai.factory.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing the snapshot to restore: the newest completed one in a checkpoint directory, past the folders a killed
 * process leaves half-written; a given path is checked before a job starts.
 */
class SnapshotsTest {

    @TempDir
    Path dir;

    @Test
    void latestIsTheNewestCompletedCheckpointOrSavepointAndSkipsHalfWrittenOnes() throws IOException {
        Path older = checkpoint(dir.resolve("job-a/chk-3"), 3, 1_000);
        Path savepoint = checkpoint(dir.resolve("savepoints/savepoint-abc123-0f0f0f0f"), 4, 2_000);
        Path newest = checkpoint(dir.resolve("job-b/chk-7"), 7, 3_000);
        // What kill -9 leaves: a checkpoint without its metadata, and one whose metadata was cut short.
        Files.createDirectories(dir.resolve("job-b/chk-8"));
        Path cut = checkpoint(dir.resolve("job-b/chk-9"), 9, 5_000);
        byte[] whole = Files.readAllBytes(cut.resolve("_metadata"));
        Files.write(cut.resolve("_metadata"), Arrays.copyOf(whole, whole.length / 2));
        Files.setLastModifiedTime(cut.resolve("_metadata"), FileTime.fromMillis(5_000));
        // Flink's other folders are no snapshots.
        Files.createDirectories(dir.resolve("job-b/shared"));
        Files.createDirectories(dir.resolve("job-b/taskowned"));

        assertThat(Snapshots.newest(dir.toUri().toString()).orElseThrow().pointer()).isEqualTo(newest.toString());
        assertThat(Snapshots.resolve(Snapshots.LATEST, dir.toString())).isEqualTo(newest.toString());

        delete(newest);
        assertThat(Snapshots.resolve(Snapshots.LATEST, dir.toUri().toString())).isEqualTo(savepoint.toString());
        delete(savepoint);
        assertThat(Snapshots.resolve(Snapshots.LATEST, dir.toUri().toString())).isEqualTo(older.toString());
    }

    @Test
    void latestInAnEmptyOrMissingDirectoryIsAFreshStart() {
        assertThat(Snapshots.resolve(Snapshots.LATEST, dir.toUri().toString())).isNull();
        assertThat(Snapshots.resolve(Snapshots.LATEST, dir.resolve("not-yet").toUri().toString())).isNull();
        assertThat(Snapshots.resolve(null, dir.toString())).isNull();
        assertThatThrownBy(() -> Snapshots.resolve(Snapshots.LATEST, null)).hasMessageContaining("--checkpoint-dir");
    }

    @Test
    void aGivenPathMustBeASnapshotFlinkCanRead() throws IOException {
        Path good = checkpoint(dir.resolve("j/chk-1"), 1, 1_000);
        assertThat(Snapshots.resolve(good.toString(), null)).isEqualTo(good.toString());
        assertThat(Snapshots.resolve(good.resolve("_metadata").toUri().toString(), null)).endsWith("_metadata");

        assertThatThrownBy(() -> Snapshots.resolve(dir.resolve("gone").toString(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--restore-from " + dir.resolve("gone") + ": no checkpoint or savepoint there (it does not exist)");
        assertThatThrownBy(() -> Snapshots.resolve(dir.resolve("j").toString(), null))
                .hasMessageContaining("not a completed checkpoint or savepoint (no _metadata file)");
        Path garbage = Files.createDirectories(dir.resolve("x/chk-2"));
        Files.writeString(garbage.resolve("_metadata"), "not a checkpoint");
        assertThatThrownBy(() -> Snapshots.resolve(garbage.toString(), null))
                .hasMessageContaining("_metadata cannot be read").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aSnapshotInTheJobsOwnDirectoryIsClaimedOneElsewhereOnlyRead() {
        String own = dir.toUri().toString();
        Configuration claimed = Snapshots.applyTo(new Configuration(), dir.resolve("a/chk-3").toString(), own);
        assertThat(claimed.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(dir.resolve("a/chk-3").toString());
        assertThat(claimed.get(StateRecoveryOptions.RESTORE_MODE)).isEqualTo(RecoveryClaimMode.CLAIM);
        assertThat(Snapshots.applyTo(new Configuration(), "/elsewhere/chk-3", own).get(StateRecoveryOptions.RESTORE_MODE))
                .isEqualTo(RecoveryClaimMode.NO_CLAIM);
        assertThat(Snapshots.applyTo(new Configuration(), dir + "-sibling/chk-3", own).get(StateRecoveryOptions.RESTORE_MODE))
                .isEqualTo(RecoveryClaimMode.NO_CLAIM);
        assertThat(Snapshots.applyTo(new Configuration(), null, own).contains(StateRecoveryOptions.SAVEPOINT_PATH)).isFalse();
    }

    /** A completed checkpoint as Flink writes it (metadata of a job without state), its metadata dated {@code millis}. */
    private static Path checkpoint(Path folder, long id, long millis) throws IOException {
        Files.createDirectories(folder);
        try (OutputStream out = Files.newOutputStream(folder.resolve("_metadata"))) {
            Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(id, List.of(), List.of()), new DataOutputStream(out));
        }
        Files.setLastModifiedTime(folder.resolve("_metadata"), FileTime.fromMillis(millis));
        return folder;
    }

    private static void delete(Path folder) throws IOException {
        Files.delete(folder.resolve("_metadata"));
        Files.delete(folder);
    }
}
