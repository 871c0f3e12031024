package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.factory.replay.LabelFlip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class PoisonOptionTest {

    @Test
    void readsTwoFractionsAndCoversTheirShareOfTheEvents() {
        PoisonOption option = PoisonOption.parse("0.4-0.6");
        assertThat(option).isEqualTo(new PoisonOption(0.4, 0.6));
        assertThat(option.over(30_000)).isEqualTo(new LabelFlip(12_000, 18_000));
        assertThat(PoisonOption.parse(" 0 - 1 ").over(10)).isEqualTo(new LabelFlip(0, 10));
        assertThat(PoisonOption.parse(".29-.71").over(100)).as("rounded, not cut by floating point")
                .isEqualTo(new LabelFlip(29, 71));
        assertThat(option.over(0).size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0.4", "0.6-0.4", "0.5-0.5", "0.4-1.2", "-0.1-0.5", "40%-60%", "a-b", "0.4..0.6", "0.4-0.6-0.8"})
    void anythingElseIsRefusedNamingTheForm(String text) {
        assertThatThrownBy(() -> PoisonOption.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--poison-labels must be FROM-TO").hasMessageContaining("e.g. 0.4-0.6");
        assertThatThrownBy(() -> new PoisonOption.Converter().convert(text))
                .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("0 <= FROM < TO <= 1");
    }
}
