package ai.factory.scoring.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("features", 0);
    private static final TopicPartition P1 = new TopicPartition("features", 1);

    @Test
    void commitsWhatWasHandledBeyondTheLastCommit() {
        OffsetTracker offsets = new OffsetTracker();
        offsets.handled(P0, 4);
        offsets.handled(P0, 2);
        assertThat(offsets.uncommitted()).isEqualTo(Map.of(P0, new OffsetAndMetadata(5)));
        offsets.committed(offsets.uncommitted());
        assertThat(offsets.uncommitted()).isEmpty();
        offsets.handled(P0, 5);
        assertThat(offsets.uncommitted()).isEqualTo(Map.of(P0, new OffsetAndMetadata(6)));
    }

    @Test
    void anAbandonForgetsTheHandledButRemembersTheCommitted() {
        OffsetTracker offsets = new OffsetTracker();
        offsets.handled(P0, 9);
        offsets.committed(offsets.uncommitted());
        offsets.handled(P0, 20);
        offsets.abandonHandled();
        assertThat(offsets.uncommitted()).isEmpty();
        // What the rewind holds against a cluster that reports no committed offset after a restart.
        assertThat(offsets.lastCommitted(P0)).hasValue(10);
        assertThat(offsets.lastCommitted(P1)).isEmpty();
    }

    @Test
    void aPartitionThatMovedKeepsOnlyItsCommit() {
        OffsetTracker offsets = new OffsetTracker();
        offsets.handled(P0, 9);
        offsets.handled(P1, 3);
        offsets.committed(offsets.uncommitted());
        offsets.handled(P0, 15);
        offsets.forget(List.of(P0));
        assertThat(offsets.uncommitted()).isEmpty();
        // Lost in a broker outage and assigned again: the rewind must not go back before 10.
        assertThat(offsets.lastCommitted(P0)).hasValue(10);
        assertThat(offsets.lastCommitted(P1)).hasValue(4);
    }

    @Test
    void theKnownCommitNeverGoesBack() {
        OffsetTracker offsets = new OffsetTracker();
        offsets.committed(Map.of(P0, new OffsetAndMetadata(10)));
        offsets.committed(Map.of(P0, new OffsetAndMetadata(7)));
        assertThat(offsets.lastCommitted(P0)).hasValue(10);
    }
}
