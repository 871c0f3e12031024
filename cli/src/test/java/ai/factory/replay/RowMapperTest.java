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

    @Test
    void attributesMayRenameColumnsAndEmptyCellsAreMissingValues() {
        Mapping m = new Mapping(null, new Mapping.Id("order id", "o-"), new Mapping.TimeColumn("ts", TimeFormat.parse("epoch_s", null)),
                "Shop Name", Map.of("cost_total", new Mapping.Attribute("Cost Total $", Mapping.AttributeType.DOUBLE),
                        "items", new Mapping.Attribute("items", Mapping.AttributeType.LONG),
                        "gift", new Mapping.Attribute("gift", Mapping.AttributeType.BOOLEAN)), null, null);
        Map<String, String> row = new java.util.HashMap<>(Map.of("order id", "17", "ts", "1517393730", "Shop Name", "north",
                "Cost Total $", "12.5", "items", " "));
        row.put("gift", null);
        RowMapper.Mapped mapped = new RowMapper(m, "test").map(3, row);
        assertThat(mapped.event().getId()).isEqualTo("o-17");
        assertThat(mapped.event().getEntity()).isEqualTo("north");
        assertThat(mapped.event().getEventTime()).isEqualTo(Instant.parse("2018-01-31T10:15:30Z"));
        assertThat(mapped.event().getAttributes()).containsEntry("cost_total", 12.5).containsEntry("items", null)
                .containsEntry("gift", null);
        assertThat(mapped.feedback()).isNull();
    }

    @Test
    void aLabelConditionGivesOneOrZero() {
        assertThat(RowMapper.label(Mapping.Label.parse("rating>=4"), "4")).isEqualTo(1.0);
        assertThat(RowMapper.label(Mapping.Label.parse("rating>=4"), "3.5")).isEqualTo(0.0);
        assertThat(RowMapper.label(Mapping.Label.parse("rating<4"), "3.5")).isEqualTo(1.0);
        assertThat(RowMapper.label(Mapping.Label.parse("rating==4"), "4.0")).isEqualTo(1.0);
        assertThat(RowMapper.label(Mapping.Label.parse("damage!=None"), "None")).isEqualTo(0.0);
        assertThat(RowMapper.label(Mapping.Label.parse("damage!=None"), "Severe")).isEqualTo(1.0);
        assertThat(RowMapper.label(Mapping.Label.parse("kind==fraud"), "fraud")).isEqualTo(1.0);
        assertThat(RowMapper.label(Mapping.Label.of("y"), "true")).isEqualTo(1.0);
        assertThat(RowMapper.label(Mapping.Label.of("y"), "0.25")).isEqualTo(0.25);
        assertThatThrownBy(() -> RowMapper.label(Mapping.Label.parse("rating>4"), "good"))
                .isInstanceOf(RowMapper.BadRowException.class).hasMessageContaining("rating").hasMessageContaining("good");
    }

    @Test
    void theLabelArrivesAtItsOwnTimeColumnOrAFixedDelayOrAtOnce() {
        Map<String, String> row = Map.of("ts", "2018-01-31 10:00:00", "resolved_at", "2018-01-31 12:30:00", "y", "1");
        Instant event = Instant.parse("2018-01-31T10:00:00Z");
        Mapping.TimeColumn resolved = new Mapping.TimeColumn("resolved_at", TimeFormat.parse("iso", null));
        assertThat(labelTime(new Mapping.LabelAt(resolved), row)).isEqualTo(Instant.parse("2018-01-31T12:30:00Z"));
        assertThat(labelTime(new Mapping.LabelDelay(Duration.ofMinutes(1)), row)).isEqualTo(event.plusSeconds(60));
        assertThat(labelTime(null, row)).isEqualTo(event);
        assertThatThrownBy(() -> labelTime(new Mapping.LabelAt(resolved), with(row, "resolved_at", "2018-01-31 09:59:59")))
                .isInstanceOf(RowMapper.BadRowException.class).hasMessageContaining("before the event time");
        assertThatThrownBy(() -> labelTime(new Mapping.LabelAt(resolved), with(row, "resolved_at", "soon")))
                .isInstanceOf(RowMapper.BadRowException.class).hasMessageContaining("label time 'soon'");
    }

    private static Instant labelTime(Mapping.LabelTiming timing, Map<String, String> row) {
        Mapping m = new Mapping(null, new Mapping.Id("#row", null), new Mapping.TimeColumn("ts", null), null, Map.of(),
                Mapping.Label.of("y"), timing);
        return new RowMapper(m, "test").map(1, row).feedback().getFeedbackTime();
    }

    private static Map<String, String> with(Map<String, String> row, String key, String value) {
        var copy = new java.util.HashMap<>(row);
        copy.put(key, value);
        return copy;
    }
}
