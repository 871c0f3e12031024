package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RememberEventsTest {

    @Test
    void theJoinWindowReplayedTwiceWithinTwoMinutesAndAnHour() {
        Duration day = Duration.ofDays(1);
        assertThat(EmbeddedFactory.rememberEvents(day, 0)).as("full speed").isEqualTo(Duration.ofMinutes(2));
        assertThat(EmbeddedFactory.rememberEvents(day, 3600)).as("a day at 3600x is 24 s").isEqualTo(Duration.ofMinutes(2));
        assertThat(EmbeddedFactory.rememberEvents(day, 360)).isEqualTo(Duration.ofSeconds(480));
        assertThat(EmbeddedFactory.rememberEvents(day, 1)).as("live").isEqualTo(Duration.ofHours(1));
    }
}
