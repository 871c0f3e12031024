package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JoinClockTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final Duration FEEDBACK_LAG = Duration.ofHours(10);
    private static final Duration PREDICTION_LAG = Duration.ofHours(3);

    private KeyValueStore<String, Long> store;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(JoinClock.STORE), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    private JoinClock clock() {
        return new JoinClock(store, FEEDBACK_LAG, PREDICTION_LAG);
    }

    @Test
    void isTheOldestOfTheThreePathsAndUnknownBeforeAnyFeatures() {
        JoinClock clock = clock();
        clock.predictionsAt(T0 + 5 * HOUR);
        clock.feedbackAt(T0 + 5 * HOUR);
        assertThat(clock.isKnown()).as("predictions and labels read before any features").isFalse();

        clock.featuresAt(T0 + 2 * HOUR);
        assertThat(clock.now()).as("the features bound the clock").isEqualTo(T0 + 2 * HOUR);
        clock.featuresAt(T0 + 7 * HOUR);
        assertThat(clock.now()).isEqualTo(T0 + 5 * HOUR);
        clock.predictionsAt(T0 + 6 * HOUR);
        assertThat(clock.now()).as("now the labels trail").isEqualTo(T0 + 5 * HOUR);
        clock.feedbackAt(T0 + 8 * HOUR);
        assertThat(clock.now()).as("now the predictions trail").isEqualTo(T0 + 6 * HOUR);
    }

    @Test
    void trailingPathsAreWaitedForUpToTheirMaximumLag() {
        JoinClock clock = clock();
        clock.featuresAt(T0);
        assertThat(clock.now()).as("nothing else yet: the longer lag, the labels', binds")
                .isEqualTo(T0 - FEEDBACK_LAG.toMillis());
        clock.feedbackAt(T0);
        assertThat(clock.now()).as("no prediction yet: the scorer may trail by its lag")
                .isEqualTo(T0 - PREDICTION_LAG.toMillis());
        clock.predictionsAt(T0);
        assertThat(clock.now()).isEqualTo(T0);
        clock.featuresAt(T0 + 24 * HOUR);
        assertThat(clock.now()).as("both stopped: the shorter lag binds")
                .isEqualTo(T0 + 24 * HOUR - FEEDBACK_LAG.toMillis());
    }

    @Test
    void aZeroPredictionLagDoesNotWaitForPredictions() {
        JoinClock clock = new JoinClock(store, FEEDBACK_LAG, Duration.ZERO);
        clock.featuresAt(T0 + HOUR);
        clock.feedbackAt(T0 + HOUR);
        assertThat(clock.now()).isEqualTo(T0 + HOUR);
    }

    @Test
    void survivesARestartAndReadsTheServedTimeOfTheFirstFormatAsTheFeaturesTime() {
        JoinClock before = clock();
        before.featuresAt(T0 + 2 * HOUR);
        before.predictionsAt(T0 + HOUR);
        before.feedbackAt(T0 + 3 * HOUR);
        assertThat(clock().now()).isEqualTo(before.now()).isEqualTo(T0 + HOUR);

        store.delete(JoinClock.FEATURES);
        store.delete(JoinClock.PREDICTIONS);
        store.put(JoinClock.SERVED_V1, T0 + 2 * HOUR);
        JoinClock migrated = clock();
        assertThat(migrated.now()).isEqualTo(T0 + 2 * HOUR - PREDICTION_LAG.toMillis());
        migrated.featuresAt(T0 + 4 * HOUR);
        assertThat(store.get(JoinClock.SERVED_V1)).isNull();
        assertThat(store.get(JoinClock.FEATURES)).isEqualTo(T0 + 4 * HOUR);
    }
}
