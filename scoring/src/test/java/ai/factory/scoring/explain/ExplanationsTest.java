package ai.factory.scoring.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import ai.factory.records.Contribution;
import ai.factory.records.Explanation;
import org.junit.jupiter.api.Test;

class ExplanationsTest {

    // Slots: distance, hour (two cyclic slots), carrier, origin.
    private static final List<String> SLOTS = List.of("distance", "hour", "hour", "carrier", "origin");

    @Test
    void slotsOfOneFeatureAddUpAndTheLargestComeFirst() {
        Explanations explanations = new Explanations(SLOTS, 5, "exact", "logit", 2);
        float[] parts = {9, 9, 0.1f, 0.5f, -0.4f, 0.3f};   // row 1 starts at offset 1... the first value is another row's
        Explanation e = explanations.of(-1.2, -1.7, parts, 1);
        assertThat(e.getTop()).extracting(Contribution::getFeature).containsExactly("distance", "hour");
        assertThat(e.getTop().get(0).getContribution()).isCloseTo(9, within(1e-6));
        assertThat(e.getTop().get(1).getContribution()).isCloseTo(0.6, within(1e-6));
        assertThat(e.getRest()).isCloseTo(-0.1, within(1e-6));
        assertThat(e.getMethod()).isEqualTo("exact");
        assertThat(e.getUnits()).isEqualTo("logit");
    }

    @Test
    void byAbsoluteValueAndTheRestIsWhatTheTopLeavesOut() {
        Explanations explanations = new Explanations(SLOTS, 5, "integrated-gradients/16", "logit", 1);
        float[] parts = {0.2f, 0.1f, 0.1f, -3f, 1f};
        Explanation e = explanations.of(0, 0, parts, 0);
        assertThat(e.getTop()).singleElement().satisfies(c -> {
            assertThat(c.getFeature()).isEqualTo("carrier");
            assertThat(c.getContribution()).isCloseTo(-3, within(1e-6));
        });
        double total = e.getTop().get(0).getContribution() + e.getRest();
        assertThat(total).isCloseTo(0.2 + 0.1 + 0.1 - 3 + 1, within(1e-6));
    }

    @Test
    void moreAskedThanThereAreFeaturesGivesEveryFeatureAndNoRest() {
        Explanations explanations = new Explanations(SLOTS, 5, "exact", "label", 10);
        Explanation e = explanations.of(3, 1, new float[] {1, 0, 0, 0.5f, 0.5f}, 0);
        assertThat(e.getTop()).hasSize(4);
        assertThat(e.getRest()).isZero();
    }

    @Test
    void unnamedSlotsAreNamedByPosition() {
        Explanations explanations = new Explanations(List.of(), 2, "exact", "logit", 2);
        Explanation e = explanations.of(0, 0, new float[] {1, 2}, 0);
        assertThat(e.getTop()).extracting(Contribution::getFeature).containsExactly("slot1", "slot0");
    }

    @Test
    void asksForAtLeastOneFeature() {
        assertThatThrownBy(() -> new Explanations(SLOTS, 5, "exact", "logit", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
