package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(KafkaExtension.class)
class TopicsCommandTest {

    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FactoryCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code factory models ARGS -b BOOTSTRAP --prefix PREFIX}. */
    static Result models(String bootstrap, String prefix, String... args) {
        return onCluster("models", bootstrap, prefix, args);
    }

    /** {@code factory COMMAND ARGS -b BOOTSTRAP --prefix PREFIX}. */
    static Result onCluster(String command, String bootstrap, String prefix, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "-b";
        all[args.length + 2] = bootstrap;
        all[args.length + 3] = "--prefix";
        all[args.length + 4] = prefix;
        return run(all);
    }

    @Test
    void createIsIdempotentAndListShowsTheCatalog(TestKafka kafka) {
        String prefix = TestKafka.uniquePrefix("cli");
        Result first = run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--prefix", prefix, "--partitions", "2");
        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("created  " + prefix + "events").contains("13 created, 0 already existed");

        Result second = run("topics", "create", "-b", kafka.bootstrapServers(), "--prefix", prefix, "--partitions", "2");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("0 created, 13 already existed").doesNotContain("created  ");

        Result list = run("topics", "list", "-b", kafka.bootstrapServers(), "--prefix", prefix);
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).containsPattern(java.util.regex.Pattern.quote(prefix + "models") + "\\s+1\\s+ModelRelease")
                .doesNotContain("missing factory topics");
    }

    @Test
    void listNamesMissingTopics(TestKafka kafka) {
        Result list = run("topics", "list", "-b", kafka.bootstrapServers(), "--prefix", TestKafka.uniquePrefix("none"));
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("missing factory topics:").contains("run 'factory topics create'");
    }

    @Test
    void badInputIsAClearErrorNotAStackTrace() {
        Result zero = run("topics", "create", "--partitions", "0");
        assertThat(zero.exitCode()).isEqualTo(1);
        assertThat(zero.err()).contains("--partitions must be at least 1").doesNotContain("\tat ");

        Result prefix = run("topics", "create", "--prefix", "has space");
        assertThat(prefix.exitCode()).isEqualTo(1);
        assertThat(prefix.err()).contains("topic prefix may hold only");

        Result retention = run("topics", "create", "--retention", "a while");
        assertThat(retention.exitCode()).isEqualTo(2);
        assertThat(retention.err()).contains("a duration must look like");

        Result unknown = run("topics", "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument");
    }

    @Test
    void anUnreachableBrokerFailsWithinSecondsNamingIt() {
        Result result = run("topics", "list", "-b", "127.0.0.1:1");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error:");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : new String[][] {{"--help"}, {"broker", "--help"}, {"topics", "--help"},
                {"topics", "create", "--help"}, {"topics", "list", "--help"}}) {
            Result help = run(cmd);
            assertThat(help.exitCode()).as(String.join(" ", cmd)).isZero();
            assertThat(help.out()).startsWith("Usage: factory");
        }
    }
}
