package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.factory.broker.EmbeddedKafka;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code factory produce} against a broker that goes away mid-run: the command stops sending, exits 1 within a
 * bound with one line naming how many records were not delivered, and delivered and not delivered add up to every
 * record it sent. A broker of its own, since this test stops it.
 */
class ProduceDeliveryTest {

    private static final Logger log = LoggerFactory.getLogger(ProduceDeliveryTest.class);
    private static final Duration EXIT_BOUND = Duration.ofSeconds(60);

    @Test
    void aBrokerStoppedMidRunEndsTheCommandWithinTheBoundCountingEveryRecordNotDelivered() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        CompletableFuture<TopicsCommandTest.Result> produce;
        long stopped;
        try {
            String bootstrap = kafka.bootstrapServers();
            String prefix = "gone.";
            assertThat(TopicsCommandTest.run("topics", "create", "-b", bootstrap, "--prefix", prefix).exitCode()).isZero();
            produce = CompletableFuture.supplyAsync(() -> TopicsCommandTest.run("produce", "../data/flights-200k.csv.gz",
                    "--mapping", "../data/flights.mapping.json", "-b", bootstrap, "--prefix", prefix, "--rate", "5000"));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> produce.isDone() || written(admin, new Topics(prefix).events()) >= 3_000);
            }
            assertThat(produce).as("still running when the broker stops").isNotDone();
        } finally {
            kafka.close();
            stopped = System.nanoTime();
        }

        Awaitility.await().atMost(EXIT_BOUND).until(produce::isDone);
        double seconds = (System.nanoTime() - stopped) / 1e9;
        TopicsCommandTest.Result result = produce.get();
        log.info("produce exited {} s after the broker stopped: {}{}", String.format("%.1f", seconds), result.out(), result.err());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        List<String> errorLines = result.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errorLines).as(result.err()).hasSize(1);
        Matcher error = Pattern.compile("error: ([\\d,]+) of ([\\d,]+) records were not delivered to the cluster \\("
                + Pattern.quote(kafka.bootstrapServers()) + "\\): \\S.*").matcher(errorLines.get(0));
        assertThat(error.matches()).as(errorLines.get(0)).isTrue();
        Matcher delivered = Pattern.compile("delivered ([\\d,]+) of ([\\d,]+) events and ([\\d,]+) of ([\\d,]+) feedback "
                + "records to .*, then stopped.*").matcher(result.out().strip());
        assertThat(delivered.matches()).as(result.out()).isTrue();

        long notDelivered = number(error.group(1));
        long sent = number(error.group(2));
        long eventsDelivered = number(delivered.group(1));
        long eventsSent = number(delivered.group(2));
        long feedbackDelivered = number(delivered.group(3));
        long feedbackSent = number(delivered.group(4));
        assertThat(notDelivered).isPositive();
        assertThat(eventsDelivered).as("delivered before the broker stopped").isGreaterThanOrEqualTo(3_000);
        assertThat(eventsSent + feedbackSent).as("every record sent is in the summary").isEqualTo(sent);
        assertThat(eventsDelivered + feedbackDelivered + notDelivered).as("delivered + not delivered = sent").isEqualTo(sent);
        assertThat(eventsSent).as("the replay stopped instead of pacing the file into a dead cluster").isLessThan(200_000);
    }

    private static long written(Admin admin, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }
}
