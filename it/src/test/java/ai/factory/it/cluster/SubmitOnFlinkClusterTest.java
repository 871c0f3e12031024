package ai.factory.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.cli.FactoryCli;
import ai.factory.cli.submit.FlinkRest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code factory submit} against a real Flink session cluster: both job jars from {@code cli/target/jobs} (where the
 * build puts them) are uploaded and run, a second call leaves the running jobs alone, and a job the cluster refuses is
 * one line and a non-zero exit.
 */
@ExtendWith(KafkaExtension.class)
class SubmitOnFlinkClusterTest {

    private static final Duration REST = Duration.ofSeconds(10);

    @Test
    void submitsBothJobsOnceAndReportsARefusal(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("cluster-submit");
        Path home = Files.createTempDirectory("flink-cluster-submit");
        try (FlinkSessionCluster cluster = FlinkSessionCluster.start(home, 1)) {
            FlinkRest rest = new FlinkRest(cluster.restUrl());
            List<String> submit = new ArrayList<>(List.of("submit", "--flink", cluster.restUrl(), "-b", kafka.bootstrapServers(),
                    "--prefix", prefix, "--timeout", "90s", "--trainer-arg=--threads=1"));
            // The jars where ./factory finds them after a build (factory.home is the project's root).
            System.setProperty("factory.home", Path.of("..").toAbsolutePath().normalize().toString());

            Run first = run(submit);
            assertThat(first.exit()).as(first.err()).isZero();
            String ingest = TrainerOnFlinkClusterTest.activeJob(rest, prefix + "factory-stream-ingest");
            String trainer = TrainerOnFlinkClusterTest.activeJob(rest, prefix + "online-trainer-flights");
            assertThat(first.out()).contains("ingest  RUNNING as job " + ingest, "trainer RUNNING as job " + trainer);

            Run again = run(submit);
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).contains("ingest  already RUNNING as job " + ingest, "trainer already RUNNING as job " + trainer);
            assertThat(rest.jobs(REST)).filteredOn(FlinkRest.Job::active).hasSize(2);

            // Another factory's trainer (another prefix), from a checkpoint that does not exist: refused, one line.
            List<String> refused = new ArrayList<>(List.of("submit", "--flink", cluster.restUrl(), "-b", kafka.bootstrapServers(),
                    "--prefix", prefix + "other.", "--only", "trainer", "--timeout", "60s",
                    "--restore-trainer", "file://" + home.resolve("no-such-checkpoint")));
            Run bad = run(refused);
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err().strip()).startsWith("error: trainer job").doesNotContain("\n").contains("no-such-checkpoint");
            assertThat(rest.jobs(REST)).filteredOn(FlinkRest.Job::active).hasSize(2);

            rest.cancel(ingest, REST);
            rest.cancel(trainer, REST);
        } finally {
            System.clearProperty("factory.home");
        }
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs the factory command with its standard output and error captured (picocli writes to them as it starts). */
    private static Run run(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = FactoryCli.run(args.toArray(String[]::new));
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.out.print(o.toString(StandardCharsets.UTF_8));
            System.err.print(e.toString(StandardCharsets.UTF_8));
        }
    }
}
