package ai.factory.cli.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PairedRoundsTest {

    @Test
    void winningEveryRoundOfFiveIsTheSmallestPValueFiveRoundsCanGive() {
        PairedRounds p = PairedRounds.of(List.of(0.51, 0.52, 0.50, 0.515, 0.505), List.of(0.52, 0.53, 0.51, 0.52, 0.51));

        assertThat(p.wins()).isEqualTo(5);
        assertThat(p.meanDifference()).isCloseTo(-0.008, within(1e-12));
        assertThat(p.pValue()).as("only the observed signs sum as low: 1 of 32 patterns").isCloseTo(1.0 / 32, within(1e-12));
    }

    @Test
    void oneLargeLossOutweighsSmallWinsInTheSignFlipTest() {
        // Differences -0.001, -0.001, -0.001, +0.01: three wins, yet the mean is a loss.
        PairedRounds p = PairedRounds.of(List.of(0.50, 0.50, 0.50, 0.51), List.of(0.501, 0.501, 0.501, 0.50));

        assertThat(p.wins()).isEqualTo(3);
        assertThat(p.meanDifference()).isPositive();
        // Sums of the 16 sign patterns at most the observed +0.007: the 8 with -0.01, and with +0.01 only the one with
        // all three small ones negative (the observed).
        assertThat(p.pValue()).isCloseTo(9.0 / 16, within(1e-12));
    }

    @Test
    void theStandardErrorIsTheDifferencesSampleDeviationOverRootN() {
        PairedRounds p = PairedRounds.of(List.of(1.0, 2.0, 3.0), List.of(0.0, 0.0, 0.0));

        assertThat(p.meanDifference()).isCloseTo(2.0, within(1e-12));
        assertThat(p.standardError()).isCloseTo(1.0 / Math.sqrt(3), within(1e-12));
        assertThat(p.wins()).isZero();
        assertThat(p.pValue()).as("every pattern sums at most +6").isEqualTo(1.0);
    }

    @Test
    void unevenOrTooManyRoundsAreRefused() {
        assertThatThrownBy(() -> PairedRounds.of(List.of(0.5), List.of(0.5, 0.5))).isInstanceOf(IllegalArgumentException.class);
        List<Double> many = java.util.Collections.nCopies(PairedRounds.MAX_ROUNDS + 1, 0.5);
        assertThatThrownBy(() -> PairedRounds.of(many, many)).hasMessageContaining("1 to 20");
    }
}
