package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RowMapperTest {

    private static final Mapping FLIGHTS = Mapping.read(Path.of("../data/flights.mapping.json"));

    private final RowMapper mapper = new RowMapper(FLIGHTS, "test");

    @Test
    void aFlightBecomesAnEventAtDepartureAndFeedbackAtLanding() {
        RowMapper.Mapped m = mapper.map(7, Map.of("ts", "2001-01-01T00:01:00", "delay", "33", "distance", "2176",
                "origin", "LAS", "destination", "PHL", "delayed15", "1"));
        Instant departure = Instant.parse("2001-01-01T00:01:00Z");
        assertThat(m.event().getId()).isEqualTo("flight-7");
        assertThat(m.event().getEventTime()).isEqualTo(departure);
        assertThat(m.event().getEntity()).isEqualTo("LAS");
        assertThat(m.event().getAttributes()).containsEntry("origin", "LAS").containsEntry("destination", "PHL")
                .containsEntry("distance", 2176L);
        assertThat(m.feedback().getLabel()).isEqualTo(1.0);
        // 2176 miles at 500 mph = 261.12 minutes, plus 33 minutes late.
        assertThat(m.feedback().getFeedbackTime()).isEqualTo(departure.plus(Duration.ofMillis(Math.round((261.12 + 33) * 60_000))));
    }

    @Test
    void aVeryEarlyShortFlightStillLandsAtLeastOneMinuteLater() {
        RowMapper.Mapped m = mapper.map(1, Map.of("ts", "2001-01-01T00:01:00", "delay", "-60", "distance", "100",
                "origin", "A", "destination", "B", "delayed15", "0"));
        assertThat(Duration.between(m.event().getEventTime(), m.feedback().getFeedbackTime())).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void rowsThatDoNotFitSayWhichColumnAndWhy() {
        Map<String, String> good = Map.of("ts", "2001-01-01T00:01:00", "delay", "3", "distance", "100",
                "origin", "A", "destination", "B", "delayed15", "0");
        assertThatThrownBy(() -> mapper.map(1, with(good, "distance", "far")))
                .isInstanceOf(RowMapper.BadRowException.class).hasMessageContaining("distance").hasMessageContaining("far");
        assertThatThrownBy(() -> mapper.map(1, with(good, "ts", "yesterday")))
                .isInstanceOf(RowMapper.BadRowException.class).hasMessageContaining("event time");
        assertThatThrownBy(() -> mapper.map(1, with(good, "delayed15", "")))
                .isInstanceOf(RowMapper.BadRowException.class).hasMessageContaining("delayed15");
    }

    @Test
    void anUnknownMappingKeyIsAClearError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.json");
        java.nio.file.Files.writeString(file, "{\"id\":{\"column\":\"#row\"},\"event_time\":{\"column\":\"ts\"},\"lable\":{}}");
        assertThatThrownBy(() -> Mapping.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m.json").hasMessageContaining("lable");
    }

    private static Map<String, String> with(Map<String, String> row, String key, String value) {
        var copy = new java.util.HashMap<>(row);
        copy.put(key, value);
        return copy;
    }
}
