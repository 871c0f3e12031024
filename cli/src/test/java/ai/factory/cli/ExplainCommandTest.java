package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.ops.explain.TracedEvents;
import ai.factory.topics.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code factory explain} on the embedded broker over the records of {@link TracedEvents}: text, JSON, exit codes. */
@ExtendWith(KafkaExtension.class)
class ExplainCommandTest {

    @Test
    void explainsFoundEventsAndSaysWhenOneIsNot(TestKafka kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Topics topics = new Topics(TestKafka.uniquePrefix("cli-explain"));
        TracedEvents.write(bootstrap, topics);

        TopicsCommandTest.Result replayed = explain(bootstrap, topics, TracedEvents.REPLAYED);
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(replayed.out())
                .contains("event flight-7  time 2001-03-01T10:00:00Z  entity AA")
                .contains("carrier=AA  distance=1200  gate=null  night=true")
                .contains("dense  [0.5, -1.0]")
                .contains("flights v2: score 0.8000")
                .contains("output 1.386 logit = baseline -0.2000 + the parts below + rest 0.1000 (exact)")
                .containsPattern("distance\\s+\\+1\\.1000 \\+{24}\n")
                .containsPattern("carrier\\s+\\+0\\.3860 \\+{8}\n")
                .contains("label 1.000 from airline at 2001-03-01T10:30:00Z")
                .contains("served flights v2 score 0.8000")
                .contains("lineage of flights v2")
                .contains("v2  parent v1  CHAMPION by TRAINER: gate passed")
                .contains("42 examples trained in all, since its parent event time 2001-03-01T03:00:00Z to 2001-03-01T09:00:00Z")
                .contains("10 examples trained in all, event time through 2001-02-28T09:00:00Z")
                .contains("trained on " + topics.examples() + " 0:10-41")
                .contains("v1  parent -")
                .contains("processing clock");
        assertThat(replayed.err()).isEmpty();

        TopicsCommandTest.Result live = explain(bootstrap, topics, TracedEvents.LIVE);
        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(live.out()).contains("no contributions (the scorer ran without --explain)")
                .contains("feedback (0)").contains("no label has arrived").contains("no example written");

        TopicsCommandTest.Result json = explain(bootstrap, topics, TracedEvents.REPLAYED, "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode view = new ObjectMapper().readTree(json.out());
        assertThat(view.at("/predictions/0/explanation/top/0/feature").asText()).isEqualTo("distance");
        assertThat(view.at("/releases/0/steps/1/version").asLong()).isEqualTo(1);
        assertThat(view.at("/search/complete").asBoolean()).isTrue();

        TopicsCommandTest.Result unknown = explain(bootstrap, topics, "flight-unknown");
        assertThat(unknown.exitCode()).isEqualTo(ExplainCommand.NOT_FOUND);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err().strip()).isEqualTo("error: event flight-unknown not found: it is not among the 3 records of "
                + topics.events() + " (--around TIME, --window, --max-records)");

        TopicsCommandTest.Result spent = explain(bootstrap, topics, TracedEvents.REPLAYED, "--max-records", "4");
        assertThat(spent.exitCode()).as(spent.err()).isZero();
        assertThat(spent.err()).contains("warning: the search stopped early (the budget of 4 records was spent)");
    }

    @Test
    void anUnreachableBrokerFailsWithinSecondsInOneLine() {
        long started = System.nanoTime();
        TopicsCommandTest.Result result = TopicsCommandTest.run("explain", "x", "-b", "127.0.0.1:1");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip()).startsWith("error: ").contains("no answer from Kafka at 127.0.0.1:1").doesNotContain("\n");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(45));
    }

    @Test
    void helpIsTruthfulAndABadTimeIsABadCommandLine() {
        TopicsCommandTest.Result help = TopicsCommandTest.run("explain", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("EVENT_ID").contains("--around=TIME").contains("--window=DURATION")
                .contains("(default: 6h)").contains("2000000)").contains("3   the event was not found");
        TopicsCommandTest.Result bad = TopicsCommandTest.run("explain", "x", "--around", "yesterday");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("not an ISO-8601 time or epoch milliseconds: 'yesterday'");
    }

    private static TopicsCommandTest.Result explain(String bootstrap, Topics topics, String... args) {
        return TopicsCommandTest.onCluster("explain", bootstrap, topics.prefix(), args);
    }
}
