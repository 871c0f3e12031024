package ai.factory.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class ExpectedRetriesFilterTest {

    // Kafka prefixes the format with the client's log context.
    private static final String FORMAT = "[Producer clientId=p-1] Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left). Error: {}";
    private final LoggerContext context = new LoggerContext();
    private final Logger sender = context.getLogger(ExpectedRetriesFilter.SENDER);
    private final ExpectedRetriesFilter filter = new ExpectedRetriesFilter();

    @Test
    void dropsOnlyTheConcurrentTransactionsRetry() {
        assertThat(filter.decide(null, sender, Level.WARN, FORMAT, new Object[] {16, "t-1", 5, "CONCURRENT_TRANSACTIONS"}, null))
                .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, sender, Level.WARN, FORMAT, new Object[] {16, "t-1", 5, "NOT_LEADER_OR_FOLLOWER"}, null))
                .isEqualTo(FilterReply.NEUTRAL);
        // Kafka's log context hands logback the formatted message, without arguments.
        assertThat(filter.decide(null, sender, Level.WARN, "[Producer clientId=p-1] Got error produce response with correlation id 16"
                + " on topic-partition t-0, retrying (5 attempts left). Error: CONCURRENT_TRANSACTIONS", null, null))
                .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, context.getLogger("other"), Level.WARN, FORMAT, new Object[] {"CONCURRENT_TRANSACTIONS"}, null))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, sender, Level.ERROR, FORMAT, new Object[] {"CONCURRENT_TRANSACTIONS"}, null))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void dropsOnlyTheCheckpointThatACancelStopped() {
        Logger checkpoints = context.getLogger(ExpectedRetriesFilter.CHECKPOINTS);
        String format = "Failed to trigger or complete checkpoint {} for job {}. ({} consecutive failed attempts so far)";
        assertThat(filter.decide(null, checkpoints, Level.WARN, format,
                new Object[] {29, "job", 0, new IllegalStateException("Checkpoint Coordinator is suspending.")}, null))
                .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, checkpoints, Level.WARN, format,
                new Object[] {29, "job", 3, new IllegalStateException("Checkpoint expired before completing.")}, null))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void dropsTheBrokersDoubleCloseOnly() {
        Logger client = context.getLogger(ExpectedRetriesFilter.NETWORK_CLIENT);
        assertThat(filter.decide(null, client, Level.WARN,
                "[NodeToControllerChannelManager id=1 name=registration] Attempting to close NetworkClient that has already been closed.",
                null, null)).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, client, Level.WARN, "[Producer clientId=p] Connection to node 1 could not be established.",
                null, null)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void dropsOnlyAStreamsInternalTopicNotCreatedYet() {
        Logger client = context.getLogger(ExpectedRetriesFilter.NETWORK_CLIENT);
        String start = "[Consumer clientId=factory-feedback-1-StreamThread-1-consumer, groupId=factory-feedback] The metadata response "
                + "from the cluster reported a recoverable issue with correlation id 2 : ";
        assertThat(filter.decide(null, client, Level.WARN, start + "{factory-feedback-outcomes-repartition=UNKNOWN_TOPIC_OR_PARTITION}",
                null, null)).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, client, Level.WARN, start + "{events=UNKNOWN_TOPIC_OR_PARTITION}", null, null))
                .as("a missing topic of the user's still shows").isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, client, Level.WARN,
                start + "{x-changelog=UNKNOWN_TOPIC_OR_PARTITION, events=UNKNOWN_TOPIC_OR_PARTITION}", null, null))
                .isEqualTo(FilterReply.NEUTRAL);
    }
}
