package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad command line, for any command, is one line on standard error and exit code 2; no usage, no stack trace. */
class CommandLineErrorsTest {

    private static TopicsCommandTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = FactoryCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new TopicsCommandTest.Result(code, out.toString(), err.toString());
    }

    private static void assertOneLine(TopicsCommandTest.Result result, String... expected) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.err()).hasSize(1);
        assertThat(result.err()).startsWith("error: ").contains(expected).doesNotContain("Usage:").doesNotContain("\tat ");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aBadDurationIsOneLineNamingTheOptionAndTheAcceptedForms() {
        assertOneLine(run("score", "--max-wait", "soon"), "Invalid value for option '--max-wait'",
                "a duration must look like 7d, 12h, 30m, 10s, 5ms, PT6H or forever, was 'soon'", "(see 'factory score --help')");
    }

    @Test
    void anUnknownOptionIsOneLineWithASuggestion() {
        assertOneLine(run("score", "--max-wiat"), "Unknown option: '--max-wiat'; did you mean ", "--max-wait",
                "(see 'factory score --help')");
        assertOneLine(run("score", "--max-wiat", "5ms"), "Unknown options: '--max-wiat', '5ms'");
    }

    @Test
    void nestedCommandsAndMissingValuesToo() {
        assertOneLine(run("bench", "scoring", "--seconds"), "Missing required parameter for option '--seconds'",
                "(see 'factory bench scoring --help')");
        assertOneLine(run("topics", "frobnicate"), "Unmatched argument", "(see 'factory topics --help')");
        assertOneLine(run("bench", "delayed-labels", "--setting", "lr=0.1,bach=64"), "unknown key 'bach'",
                "(see 'factory bench delayed-labels --help')");
    }

    @Test
    void aBadPoisonedStretchIsOneLineNamingTheForm() {
        assertOneLine(run("demo", "--poison-labels", "0.6-0.4"), "Invalid value for option '--poison-labels'",
                "FROM-TO, fractions of the replay's events with 0 <= FROM < TO <= 1, e.g. 0.4-0.6; was 0.6-0.4",
                "(see 'factory demo --help')");
        assertOneLine(run("demo", "--poison-labels", "40%"), "Invalid value for option '--poison-labels'", "was '40%'");
    }

    @Test
    void anUnknownFeatureTimingIsOneLineNamingBoth() {
        assertOneLine(run("demo", "--feature-timing", "sometimes"), "Invalid value for option '--feature-timing'",
                "feature timing must be arrival or event-time, was 'sometimes'", "(see 'factory demo --help')");
    }

    @Test
    void theLabelDrillRefusesARegressionModelBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path data = Files.copy(Path.of("../data/earthquakes.jsonl.gz"), dir.resolve("quakes.jsonl.gz"));
        assertThat(FactoryCli.run("init", "--data", data.toString(), "--label", "properties.mag")).isZero();
        TopicsCommandTest.Result refused = run("demo", "--data", data.toString(), "--sort", "--poison-labels", "0.4-0.6");
        assertOneLine(refused, "--poison-labels flips binary labels; model", "is a regression model");
    }

    @Test
    void helpStatesTheDurationFormsOnceWhereACommandTakesADuration() {
        assertThat(run("score", "--help").out()).containsOnlyOnce("DURATION: 7d, 12h, 30m, 10s, 5ms, PT6H (ISO-8601)");
        assertThat(run("bench", "lag", "--help").out()).contains("--interval=DURATION").contains("DURATION: 7d");
        assertThat(run("topics", "list", "--help").out()).doesNotContain("DURATION");
    }
}
