package ai.factory.feedback;

import static ai.factory.feedback.Records.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import ai.factory.feedback.policy.Label;
import ai.factory.feedback.policy.ReceivedFeedback;
import ai.factory.serde.InMemorySchemaRegistry;
import org.junit.jupiter.api.Test;

/** The join state's bytes: the shadow prediction and the judged label round-trip, and state of the older format reads. */
class JoinStateSerdeTest {

    private final JoinStateSerde serde = new JoinStateSerde(new InMemorySchemaRegistry());

    @Test
    void shadowPredictionAndJudgedLabelRoundTrip() {
        JoinState state = new JoinState();
        state.status = JoinState.Status.DONE;
        state.due = T0 + 5;
        state.prediction = Records.prediction("e1", T0, 0.25, "m", 1);
        state.shadow = Records.prediction("e1", T0, 0.75, "m", 2);
        state.judged = new Label(1.0, T0 + 60_000, "app");

        JoinState read = serde.deserialize("t", serde.serialize("t", state));
        assertThat(read.status).isEqualTo(JoinState.Status.DONE);
        assertThat(read.due).isEqualTo(T0 + 5);
        assertThat(read.prediction).isEqualTo(state.prediction);
        assertThat(read.shadow).isEqualTo(state.shadow);
        assertThat(read.judged).isEqualTo(state.judged);
    }

    @Test
    void stateWrittenBeforeShadowPredictionsStillReads() {
        JoinState state = new JoinState();
        state.features = Records.features("e2", T0);
        state.prediction = Records.prediction("e2", T0, 0.4, "m", 3);
        state.feedback.add(new ReceivedFeedback(0.0, T0 + 1000, "app"));
        byte[] current = serde.serialize("t", state);
        // Format 1 is format 2 without its tail: no shadow prediction (int -1) and no judged label (false).
        byte[] old = Arrays.copyOf(current, current.length - 5);
        old[0] = 1;

        JoinState read = serde.deserialize("t", old);
        assertThat(read.features).isEqualTo(state.features);
        assertThat(read.prediction).isEqualTo(state.prediction);
        assertThat(read.feedback).containsExactly(new ReceivedFeedback(0.0, T0 + 1000, "app"));
        assertThat(read.shadow).isNull();
        assertThat(read.judged).isNull();
    }
}
