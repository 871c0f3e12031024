package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;
import ai.factory.records.Rejected;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dead letter the broker refuses (its topic's max.message.bytes is made too small for any record): no offset is
 * committed past the record it answers, the retries back off instead of spinning and read again from the last commit,
 * never from before it, and once the topic takes it again everything is scored (once, with exactly-once). Writes
 * failing beyond the outage limit stop the scorer.
 */
@ExtendWith(KafkaExtension.class)
class FailingWritesTest {

    private static final Logger log = LoggerFactory.getLogger(FailingWritesTest.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    /**
     * Smaller than any batch holding a dead letter, larger than a transaction marker (about 80 bytes): a limit below a
     * marker makes the broker's abort of the transaction fail and the transaction hang.
     */
    private static final String TOO_SMALL = "128";

    @ParameterizedTest
    @EnumSource(value = Delivery.class, names = {"EXACTLY_ONCE", "AT_LEAST_ONCE"})
    void aRefusedDeadLetterCommitsNothingPastItRetriesWithBackoffAndThenGoesThrough(Delivery delivery, TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "dlq-fail", 1)) {
            harness.publish(Fixtures.champion(1, 1));
            harness.setTopicConfig(harness.topics().eventsDlq(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, TOO_SMALL);
            List<FeatureVector> before = Fixtures.vectors("before", 100, 1);
            List<FeatureVector> after = Fixtures.vectors("after", 100, 2);
            harness.produce(before);
            long badOffset = before.size();
            TopicPartition partition = new TopicPartition(harness.topics().features(), 0);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Scorer scorer = harness.start(harness.options("a").withDelivery(delivery), meters);
                 var predictions = harness.predictions();
                 var deadLetters = harness.deadLetters()) {
                // Committed before anything fails: every retry must read again from here, not from the beginning.
                Awaitility.await().atMost(WAIT).until(() -> harness.committedOffsets().getOrDefault(partition, 0L) == badOffset);
                harness.produceRaw("bad", "not avro".getBytes());
                harness.produce(after);
                Awaitility.await().atMost(WAIT).until(() -> failures(meters) >= 1);
                long start = System.nanoTime();
                // Backoff of 100 ms doubling: 6 s hold at most 7 attempts; a hot loop would make hundreds.
                Awaitility.await().atMost(Duration.ofSeconds(40)).during(Duration.ofSeconds(6)).until(() ->
                        harness.committedOffsets().getOrDefault(partition, 0L) <= badOffset && failures(meters) <= 12);
                double failedIn6s = failures(meters);
                log.info("{}: {} failed attempts in {} ms", delivery, failedIn6s, (System.nanoTime() - start) / 1_000_000);
                assertThat(scorer.isRunning()).isTrue();

                harness.setTopicConfig(harness.topics().eventsDlq(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048576");
                int total = before.size() + after.size();
                Awaitility.await().atMost(WAIT).until(() -> distinctKeys(predictions) >= total && !deadLetters.poll().isEmpty()
                        && harness.committedOffsets().getOrDefault(partition, 0L) == total + 1);
                Map<String, Long> copies = predictions.values().stream()
                        .collect(Collectors.groupingBy(Prediction::getEventId, Collectors.counting()));
                assertThat(copies).hasSize(total);
                List<Rejected> rejected = deadLetters.values();
                assertThat(rejected).extracting(Rejected::getEventId).contains("bad");
                assertThat(before).as("committed before the failures, so scored once whatever the delivery")
                        .allSatisfy(vector -> assertThat(copies.get(vector.getEventId())).isEqualTo(1L));
                if (delivery == Delivery.EXACTLY_ONCE) {
                    assertThat(copies.values()).as("committed predictions per vector").containsOnly(1L);
                    assertThat(rejected).hasSize(1);
                }
                assertThat(scorer.isRunning()).isTrue();
            }
        }
    }

    @Test
    void writesFailingBeyondTheOutageLimitStopTheScorerWithAnError(TestKafka kafka) {
        try (KafkaHarness harness = new KafkaHarness(kafka, "dlq-limit", 1)) {
            harness.publish(Fixtures.champion(1, 1));
            harness.setTopicConfig(harness.topics().eventsDlq(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, TOO_SMALL);
            harness.produce(Fixtures.vectors("before", 10, 1));
            harness.produceRaw("bad", "not avro".getBytes());
            ScorerOptions options = harness.options("a").withDelivery(Delivery.EXACTLY_ONCE).withOutageLimit(Duration.ofSeconds(2));
            try (Scorer scorer = harness.start(options, new SimpleMeterRegistry())) {
                Awaitility.await().atMost(WAIT).until(() -> !scorer.isRunning());
                assertThat(scorer.failure()).hasMessageContaining("kept failing");
                assertThat(harness.committedOffsets().getOrDefault(new TopicPartition(harness.topics().features(), 0), 0L))
                        .isLessThanOrEqualTo(10);
            }
        }
    }

    private static double failures(SimpleMeterRegistry meters) {
        return meters.get("factory.scoring.write.failures").counter().count();
    }

    private static long distinctKeys(KafkaHarness.TopicReader<Prediction> reader) {
        return reader.poll().stream().map(KafkaHarness.Read::key).distinct().count();
    }
}
