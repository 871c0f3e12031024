package ai.factory.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

/** The restart policy both jobs share: what it sets in Flink, and how long a job that keeps failing takes to fail. */
class RestartPolicyTest {

    @Test
    void theDefaultsAreExponentialBackoffWithAResetAndABound() {
        Configuration conf = RestartPolicy.defaults().applyTo(new Configuration());
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS)).isEqualTo(10);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF)).isEqualTo(Duration.ofSeconds(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isEqualTo(Duration.ofMinutes(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER)).isEqualTo(2.0);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR)).isEqualTo(0.1);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD)).isEqualTo(Duration.ofMinutes(10));
        // 1+2+4+8+16+32 s, then 60 s four times, each at most 0.1 s later: about five minutes to FAILED.
        assertThat(RestartPolicy.defaults().longestTimeToFail()).isEqualTo(Duration.ofMillis(63_000 + 6 * 100 + 240_000));
    }

    @Test
    void noAttemptsMeansNoRestart() {
        assertThat(RestartPolicy.none().applyTo(new Configuration()).get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
        assertThat(RestartPolicy.none().longestTimeToFail()).isZero();
        assertThat(RestartPolicy.none().describe()).isEqualTo("no restarts");
    }

    @Test
    void itSaysWhatItDoesInOneLine() {
        assertThat(RestartPolicy.defaults().describe())
                .isEqualTo("up to 10 restarts in a row, backoff 1s x2 up to 1m (jitter 0.1), reset after 10m running");
    }

    @Test
    void settingsFlinkWouldRefuseAreRefusedHereWithTheirName() {
        RestartPolicy d = RestartPolicy.defaults();
        assertThatThrownBy(() -> d.withAttempts(-1)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> d.withBackoff(Duration.ofMinutes(2), Duration.ofMinutes(1))).hasMessageContaining("must not be below");
        assertThatThrownBy(() -> d.withBackoff(Duration.ZERO, Duration.ofMinutes(1))).hasMessageContaining("initial restart backoff");
        assertThatThrownBy(() -> d.withResetAfter(null)).hasMessageContaining("forever");
        assertThatThrownBy(() -> new RestartPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0, 0, Duration.ofSeconds(1)))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RestartPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5, Duration.ofSeconds(1)))
                .hasMessageContaining("jitter");
    }
}
