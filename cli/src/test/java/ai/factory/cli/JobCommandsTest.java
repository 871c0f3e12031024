package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import ai.factory.flink.CheckpointDirectory;
import ai.factory.ingest.job.IngestArguments;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.trainer.job.ModelInput;
import ai.factory.trainer.job.TrainerMain;
import ai.factory.trainer.job.TrainerOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code factory ingest} and {@code factory train} read their options as the jobs' own mains do. */
class JobCommandsTest {

    @Test
    void factoryIngestAndTheJobJarReadTheSameOptions() {
        String[] args = {"-b", "k:9092", "--prefix", "p.", "--parallelism", "2", "--exactly-once", "--checkpoint-interval", "1m",
            "--feature-timing", "event-time", "--linger", "0ms", "--dedup-ttl", "2h", "--group", "mine"};
        IngestOptions cli = CommandLine.populateCommand(new IngestCommand(), args).ingest.options();
        assertThat(cli).isEqualTo(IngestArguments.parse(args));
        assertThat(cli.groupId()).isEqualTo("p.mine");
    }

    @Test
    void factoryTrainAndTheTrainerMainReadTheSameOptions() {
        List<String> shared = List.of("-b", "k:9092", "--prefix", "p.", "--profile", "demo", "--kind", "deep",
                "--batch-size", "64", "--publish-every", "30s", "--hidden", "32,16", "--warm-start", "none", "--no-initial-release");
        List<String> cliArgs = new ArrayList<>(shared);
        cliArgs.addAll(List.of("--spec", IngestOptions.DEFAULT_SPEC));
        TrainerOptions cli = CommandLine.populateCommand(new TrainCommand(), cliArgs.toArray(String[]::new)).options();

        // The command keeps its checkpoints in the working directory when not told where; the job jar leaves it to the cluster.
        assertThat(cli.checkpointDir()).isEqualTo(CheckpointDirectory.defaultFor("p.online-trainer-" + cli.modelName()));
        assertThat(cli.withCheckpoints(cli.checkpointInterval(), null)).isEqualTo(TrainerMain.options(cliArgs.toArray(String[]::new)));
        ModelInput input = ModelInput.fromSpec(IngestOptions.DEFAULT_SPEC);
        assertThat(cli.model().denseSize()).isEqualTo(input.denseSize());
        assertThat(cli.modelName()).isEqualTo(input.target().name());
        assertThat(cli.batchSize()).isEqualTo(64);
        assertThat(cli.model().hidden()).containsExactly(32, 16);
    }

    @Test
    void theInProcessJobsTakeTheMetricsPortAndServeNoneByDefault() {
        assertThat(CommandLine.populateCommand(new IngestCommand()).metrics.serve(() -> "")).isNull();
        assertThat(CommandLine.populateCommand(new TrainCommand(), "--metrics-port", "9465").metrics.port()).isEqualTo(9465);
    }

    @Test
    void aBadDurationOrAnUnknownOptionIsOneLine() {
        assertThatThrownBy(() -> CommandLine.populateCommand(new IngestCommand(), "--idleness", "a while"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--idleness")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> CommandLine.populateCommand(new TrainCommand(), "--checkpoint-every", "1s"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--checkpoint-every")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theHelpShowsTheSharedKafkaOptionsAndTheDefaults() {
        String ingest = usage(new IngestCommand());
        assertThat(ingest).contains("--kafka-config", "--bootstrap", "--prefix", "--group", "(default: 10s)", "--bounded");
        String train = usage(new TrainCommand());
        assertThat(train).contains("--kafka-config", "--profile", "demo", "(default: 1024, or the profile's)", "--spec")
                .doesNotContain("--dense-size");
        for (String both : List.of(ingest, train)) {
            assertThat(both).contains("--restore-from=PATH|latest", "--checkpoint-dir=URI", "--restart-attempts=N",
                    "(default: 10, about 5 min of backoff)", "--restart-backoff=DURATION Wait before the first restart (default: 1s)",
                    "--restart-max-backoff=DURATION Longest wait between restarts (default: 1m)",
                    "afresh (default: 10m)", "SIGTERM stops the job with a savepoint");
        }
    }

    private static String usage(Object command) {
        StringWriter out = new StringWriter();
        new CommandLine(command).usage(new PrintWriter(out));
        // One line per option, however the help wraps.
        return out.toString().replaceAll("\\s+", " ");
    }
}
