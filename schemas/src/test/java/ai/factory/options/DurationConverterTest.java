package ai.factory.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    @Test
    void readsTheShortAndTheIsoForms() {
        assertThat(DurationConverter.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationConverter.parse("5ms")).isEqualTo(Duration.ofMillis(5));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(DurationConverter.parse("PT10S")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationConverter.parse("forever")).isNull();
    }

    @Test
    void aBadDurationNamesTheAcceptedForms() {
        assertThatThrownBy(() -> DurationConverter.parse("10 sec"))
                .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("10s").hasMessageContaining("PT6H");
    }

    @Test
    void formatsWhatItReadsBack() {
        for (Duration d : new Duration[] {Duration.ofMillis(5), Duration.ofSeconds(10), Duration.ofMinutes(90), Duration.ofDays(2),
                Duration.ofMillis(1500)}) {
            assertThat(DurationConverter.parse(DurationConverter.format(d))).isEqualTo(d);
        }
        assertThat(DurationConverter.format(Duration.ofMinutes(90))).isEqualTo("90m");
    }
}
