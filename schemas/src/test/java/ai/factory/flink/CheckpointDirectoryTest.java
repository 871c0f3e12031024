package ai.factory.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.junit.jupiter.api.Test;

/** Where checkpoints go: retained on cancellation, a plain path made a URI Flink takes, a default per job. */
class CheckpointDirectoryTest {

    @Test
    void aPlainPathBecomesAFileUriAndAUriStays() {
        assertThat(CheckpointDirectory.uri("/var/ckpt")).isEqualTo("file:///var/ckpt");
        assertThat(CheckpointDirectory.uri("rel/ckpt")).isEqualTo(Path.of("rel/ckpt").toAbsolutePath().toUri().toString());
        assertThat(CheckpointDirectory.uri("s3://bucket/ckpt")).isEqualTo("s3://bucket/ckpt");
        assertThat(CheckpointDirectory.uri("file:/var/ckpt")).isEqualTo("file:/var/ckpt");
        assertThat(CheckpointDirectory.uri(null)).isNull();
        assertThat(CheckpointDirectory.savepoints("/var/ckpt/")).isEqualTo("file:///var/ckpt/savepoints");
    }

    @Test
    void checkpointsAreRetainedOnCancellationInTheDirectoryGiven() {
        Configuration conf = CheckpointDirectory.applyTo(new Configuration(), "/var/ckpt");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///var/ckpt");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo("file:///var/ckpt/savepoints");
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(CheckpointDirectory.applyTo(new Configuration(), null).contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();
    }

    @Test
    void eachJobHasItsOwnDefaultFolderInTheWorkingDirectory() {
        assertThat(CheckpointDirectory.defaultFor("p.factory-stream-ingest"))
                .isEqualTo(Path.of("checkpoints", "p.factory-stream-ingest").toAbsolutePath().toUri().toString());
    }
}
