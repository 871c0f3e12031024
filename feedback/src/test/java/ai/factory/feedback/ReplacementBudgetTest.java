package ai.factory.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ReplacementBudgetTest {

    private final ReplacementBudget budget = new ReplacementBudget(4, Duration.ofMinutes(1), Duration.ofSeconds(1),
            Duration.ofSeconds(5));

    @Test
    void backoffDoublesUpToItsCapThenTheAppStops() {
        assertThat(budget.onFailure(0)).contains(Duration.ofSeconds(1));
        assertThat(budget.onFailure(1_000)).contains(Duration.ofSeconds(2));
        assertThat(budget.onFailure(3_000)).contains(Duration.ofSeconds(4));
        assertThat(budget.onFailure(7_000)).contains(Duration.ofSeconds(5));
        assertThat(budget.onFailure(12_000)).isEmpty();
        assertThat(budget.describe()).isEqualTo("5 failures within PT1M");
    }

    @Test
    void failuresOutsideTheWindowAreForgotten() {
        for (int i = 0; i < 4; i++) {
            assertThat(budget.onFailure(i * 1_000L)).isPresent();
        }
        // A minute after the first failure it no longer counts: a fifth failure is the fourth in the window.
        assertThat(budget.onFailure(60_000)).contains(Duration.ofSeconds(5));
        // Failures now and then are replaced for ever, each after the first backoff.
        for (long t = 200_000; t < 2_000_000; t += 100_000) {
            assertThat(budget.onFailure(t)).contains(Duration.ofSeconds(1));
        }
    }

    @Test
    void aBudgetOfNoReplacementsStopsAtTheFirstFailure() {
        assertThat(new ReplacementBudget(0, Duration.ofMinutes(1), Duration.ZERO, Duration.ZERO).onFailure(0))
                .isEqualTo(Optional.empty());
    }

    @Test
    void theStandardBudgetGivesUpWithinAMinuteOfRepeatedFailures() {
        ReplacementBudget standard = ReplacementBudget.standard();
        long now = 0;
        Optional<Duration> backoff;
        while ((backoff = standard.onFailure(now)).isPresent()) {
            now += backoff.get().toMillis() + 100; // the replacement fails 100 ms after it starts
        }
        assertThat(now).isBetween(Duration.ofSeconds(10).toMillis(), Duration.ofMinutes(1).toMillis());
    }
}
