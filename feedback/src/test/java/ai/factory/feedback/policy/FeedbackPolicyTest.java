package ai.factory.feedback.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

class FeedbackPolicyTest {

    private static final List<ReceivedFeedback> RECEIVED = List.of(
            new ReceivedFeedback(1, 100, "a"), new ReceivedFeedback(3, 50, "b"), new ReceivedFeedback(2, 70, "c"));

    @Test
    void combinesByArrivalOrderSumAndMax() {
        assertThat(Combine.FIRST.apply(RECEIVED)).isEqualTo(new Label(1, 100, "a"));
        assertThat(Combine.LAST.apply(RECEIVED)).isEqualTo(new Label(2, 70, "c"));
        assertThat(Combine.SUM.apply(RECEIVED)).isEqualTo(new Label(6, 100, "c"));
        assertThat(Combine.MAX.apply(RECEIVED)).isEqualTo(new Label(3, 100, "b"));
    }

    @Test
    void parsesPoliciesAndRejectsNonsense() {
        assertThat(FeedbackPolicy.parse("sum,default=0")).isEqualTo(new FeedbackPolicy(Combine.SUM, OptionalDouble.of(0)));
        assertThat(FeedbackPolicy.parse("FIRST,no-example")).isEqualTo(new FeedbackPolicy(Combine.FIRST, OptionalDouble.empty()));
        assertThatThrownBy(() -> FeedbackPolicy.parse("median")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeedbackPolicy.parse("last,sometimes")).isInstanceOf(IllegalArgumentException.class);
        FeedbackPolicies policies = FeedbackPolicies.parse(FeedbackPolicy.standard(), List.of("clicks=max,default=0"));
        assertThat(policies.forModel("clicks").defaultLabel()).hasValue(0.0);
        assertThat(policies.forModel("other")).isEqualTo(FeedbackPolicy.standard());
        assertThat(policies.forModel(null)).isEqualTo(FeedbackPolicy.standard());
    }

    @Test
    void defaultLabelOnlyWhenNothingArrived() {
        FeedbackPolicy implicitNegatives = FeedbackPolicy.parse("last,default=0");
        assertThat(implicitNegatives.label(List.of(), 500)).contains(new Label(0, 500, FeedbackPolicy.DEFAULT_SOURCE));
        assertThat(implicitNegatives.label(RECEIVED, 500)).contains(new Label(2, 70, "c"));
        assertThat(FeedbackPolicy.standard().label(List.of(), 500)).isEmpty();
    }
}
