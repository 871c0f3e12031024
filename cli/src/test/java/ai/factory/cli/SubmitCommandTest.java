package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.factory.ingest.job.IngestOptions;
import ai.factory.target.ModelTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The jobs {@code factory submit} plans: their names, jars and arguments; and a cluster that is not there. */
class SubmitCommandTest {

    @TempDir
    Path dir;

    private SubmitCommand command(String... args) throws IOException {
        Path ingest = Files.write(dir.resolve("ingest-job.jar"), new byte[] {1});
        Path trainer = Files.write(dir.resolve("trainer-job.jar"), new byte[] {1});
        List<String> all = new java.util.ArrayList<>(List.of("--ingest-jar", ingest.toString(), "--trainer-jar", trainer.toString()));
        all.addAll(List.of(args));
        return CommandLine.populateCommand(new SubmitCommand(), all.toArray(String[]::new));
    }

    @Test
    void bothJobsGetTheKafkaOptionsTheSpecAndTheirOwnArguments() throws IOException {
        List<SubmitCommand.Submission> jobs = command("-b", "kafka-1:9092,kafka-2:9092", "--prefix", "team.", "--parallelism", "2",
                "--checkpoint-dir", "file:///flink/checkpoints", "--trainer-arg=--kind=deep", "--ingest-arg", "--exactly-once",
                "--restore-trainer", "file:/flink/checkpoints/abc/chk-3").plan();
        assertThat(jobs).extracting(SubmitCommand.Submission::name)
                .containsExactly("team.factory-stream-ingest", "team.online-trainer-flights");
        assertThat(jobs.get(0).args()).containsExactly("--bootstrap", "kafka-1:9092,kafka-2:9092", "--prefix", "team.",
                "--spec", IngestOptions.DEFAULT_SPEC, "--parallelism", "2", "--checkpoint-dir", "file:///flink/checkpoints",
                "--exactly-once");
        assertThat(jobs.get(1).args()).containsExactly("--bootstrap", "kafka-1:9092,kafka-2:9092", "--prefix", "team.",
                "--spec", IngestOptions.DEFAULT_SPEC, "--checkpoint-dir", "file:///flink/checkpoints", "--kind=deep");
        assertThat(jobs.get(0).restore()).isNull();
        assertThat(jobs.get(1).restore()).isEqualTo("file:/flink/checkpoints/abc/chk-3");
        assertThat(jobs.get(1).jar()).isEqualTo(dir.resolve("trainer-job.jar"));
    }

    @Test
    void aSpecFileGoesToTheJobsAsItsJsonAndOnlyPicksOneJob() throws IOException {
        Path spec = Files.writeString(dir.resolve("spec.json"), ModelTarget.specText(IngestOptions.DEFAULT_SPEC));
        List<SubmitCommand.Submission> jobs = command("--spec", spec.toString(), "--only", "trainer").plan();
        assertThat(jobs).singleElement().satisfies(j -> {
            assertThat(j.role()).isEqualTo(SubmitCommand.Role.TRAINER);
            assertThat(j.args()).containsSequence("--spec", Files.readString(spec));
        });
        assertThatThrownBy(() -> command("--only", "scorer").plan()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("ingest or trainer");
        assertThatThrownBy(() -> command("--trainer-arg=--kind=cubic").plan()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("trainer job: ");
    }

    @Test
    void withoutAJarTheMessageSaysHowToBuildIt() {
        System.setProperty("factory.home", dir.toString());
        try {
            assertThatThrownBy(() -> SubmitCommand.findJar(SubmitCommand.Role.INGEST)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("factory-stream-ingest").hasMessageContaining("--ingest-jar");
        } finally {
            System.clearProperty("factory.home");
        }
    }

    @Test
    void anUnreachableClusterIsOneLineAndExitCodeOne() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.write(dir.resolve("a-job.jar"), new byte[] {1});
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = FactoryCli.run("submit", "--flink", "http://127.0.0.1:" + port, "--timeout", "5s",
                    "--ingest-jar", dir.resolve("a-job.jar").toString(), "--trainer-jar", dir.resolve("a-job.jar").toString());
        } finally {
            System.setErr(err);
        }
        String line = captured.toString(StandardCharsets.UTF_8).strip();
        assertThat(exit).isEqualTo(1);
        assertThat(line).startsWith("error: ").contains("Flink cluster at http://127.0.0.1:" + port).doesNotContain("\n");
    }
}
