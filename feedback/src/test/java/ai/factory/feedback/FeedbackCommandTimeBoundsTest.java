package ai.factory.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import ai.factory.kafka.KafkaConnection;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The time bounds of {@code factory feedback}: defaults, options, and what --help says about them. */
class FeedbackCommandTimeBoundsTest {

    @Test
    void theDefaultsBoundTheFutureAndLabelsBeforeTheirEventButNotJumps() {
        TimeBounds bounds = new FeedbackCommand().parse(List.of()).toOptions().join().timeBounds();
        assertThat(bounds).isEqualTo(TimeBounds.defaults());
        assertThat(bounds.maxAheadOfWallClock()).isEqualTo(Duration.ofDays(1));
        assertThat(bounds.maxLabelBeforeEvent()).isEqualTo(Duration.ofHours(1));
        assertThat(bounds.maxClockJump()).as("no jump bound").isNull();
        assertThat(FeedbackOptions.defaults(KafkaConnection.of("unused:9092")).join().timeBounds()).isEqualTo(bounds);
    }

    @Test
    void eachBoundIsAnOption() {
        TimeBounds bounds = new FeedbackCommand().parse(List.of("--max-ahead-of-wall-clock", "2h",
                "--max-label-before-event", "forever", "--max-clock-jump", "3d")).toOptions().join().timeBounds();
        assertThat(bounds).isEqualTo(new TimeBounds(Duration.ofHours(2), null, Duration.ofDays(3)));
    }

    @Test
    void helpNamesTheBoundsAndTheirDefaults() {
        StringWriter out = new StringWriter();
        new CommandLine(new FeedbackCommand()).usage(new PrintWriter(out));
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("--max-ahead-of-wall-clock=DURATION").contains("(default: 1d)")
                .contains("--max-label-before-event=DURATION").contains("(default: 1h)")
                .contains("--max-clock-jump=DURATION").contains("(default: forever)");
    }
}
