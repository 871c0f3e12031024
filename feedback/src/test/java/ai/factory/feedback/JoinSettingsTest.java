package ai.factory.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import ai.factory.feedback.policy.FeedbackPolicies;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.kafka.KafkaConnection;
import org.junit.jupiter.api.Test;

class JoinSettingsTest {

    private static final FeedbackPolicies POLICIES = FeedbackPolicies.of(FeedbackPolicy.standard());

    @Test
    void predictionsAreWaitedForADayByDefaultAndZeroMeansNotAtAll() {
        JoinSettings join = new JoinSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1), POLICIES);
        assertThat(join.maxPredictionLag()).isEqualTo(Duration.ofDays(1));
        assertThat(FeedbackOptions.defaults(KafkaConnection.of("unused:9092")).join().maxPredictionLag()).isEqualTo(Duration.ofDays(1));
        assertThat(join.withMaxPredictionLag(Duration.ZERO).maxPredictionLag()).isZero();
        assertThatThrownBy(() -> join.withMaxPredictionLag(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCommandLineSetsTheMaximumPredictionLag() {
        assertThat(new FeedbackCommand().parse(List.of()).toOptions().join().maxPredictionLag())
                .isEqualTo(JoinSettings.DEFAULT_MAX_PREDICTION_LAG);
        assertThat(new FeedbackCommand().parse(List.of("--max-prediction-lag", "PT6H")).toOptions().join().maxPredictionLag())
                .isEqualTo(Duration.ofHours(6));
    }
}
