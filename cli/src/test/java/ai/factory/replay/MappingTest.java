package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingTest {

    @TempDir
    Path dir;

    @Test
    void theFlightsMappingReadsAsBefore() {
        Mapping flights = Mapping.read(Path.of("../data/flights.mapping.json"));
        assertThat(flights.id()).isEqualTo(new Mapping.Id("#row", "flight-"));
        assertThat(flights.eventTime()).isEqualTo(new Mapping.TimeColumn("ts",
                TimeFormat.pattern("yyyy-MM-dd'T'HH:mm:ss", ZoneId.of("UTC"))));
        assertThat(flights.entity()).isEqualTo("origin");
        assertThat(flights.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "origin", new Mapping.Attribute("origin", Mapping.AttributeType.STRING),
                "destination", new Mapping.Attribute("destination", Mapping.AttributeType.STRING),
                "distance", new Mapping.Attribute("distance", Mapping.AttributeType.LONG)));
        assertThat(flights.label()).isEqualTo(Mapping.Label.of("delayed15"));
        assertThat(flights.labelTiming()).isEqualTo(new Mapping.LabelDelayMinutes(List.of(
                new Mapping.LabelDelayMinutes.Term("distance", 0.12), new Mapping.LabelDelayMinutes.Term("delay", 1.0)), 1));
    }

    @Test
    void everyFeatureSurvivesAWriteAndARead() {
        Map<String, Mapping.Attribute> attributes = new LinkedHashMap<>();
        attributes.put("origin", new Mapping.Attribute("origin", Mapping.AttributeType.STRING));
        attributes.put("cost_total", new Mapping.Attribute("Cost Total $", Mapping.AttributeType.DOUBLE));
        attributes.put("late", new Mapping.Attribute("late", Mapping.AttributeType.BOOLEAN));
        List<Mapping.LabelTiming> timings = List.of(
                new Mapping.LabelAt(new Mapping.TimeColumn("resolved at", TimeFormat.parse("dd/MM/yyyy HH:mm", "Europe/Paris"))),
                new Mapping.LabelDelay(Duration.ofMinutes(90)),
                new Mapping.LabelDelay(Duration.ZERO),
                new Mapping.LabelDelayMinutes(List.of(new Mapping.LabelDelayMinutes.Term("distance", 0.12)), 1));
        for (Mapping.LabelTiming timing : timings) {
            Mapping mapping = new Mapping("quakes", new Mapping.Id("#row", "quake-"),
                    new Mapping.TimeColumn("properties.time", TimeFormat.parse("epoch_ms", null)), "Shop Name", attributes,
                    Mapping.Label.parse("Effect Amount of damage!=None"), timing);
            Path file = dir.resolve("m.json");
            mapping.write(file);
            assertThat(Mapping.read(file)).isEqualTo(mapping);
            assertThat(List.copyOf(Mapping.read(file).attributes().keySet())).containsExactly("origin", "cost_total", "late");
        }
    }

    @Test
    void aWrittenMappingIsIndentedInTheOrderPeopleReadIt() {
        Mapping mapping = new Mapping("d", new Mapping.Id("order_id", null), new Mapping.TimeColumn("ts", null), "shop",
                Map.of("cost_total", new Mapping.Attribute("Cost Total $", Mapping.AttributeType.DOUBLE)),
                Mapping.Label.parse("rating>=4"), new Mapping.LabelDelay(Duration.ofMinutes(1)));
        String json = mapping.toJson();
        assertThat(json).contains("\n  \"id\" : {").contains("\"column\" : \"Cost Total $\"");
        assertThat(List.of("description", "id", "event_time", "entity", "attributes", "label", "label_delay"))
                .map(key -> json.indexOf("\"" + key + "\""))
                .isSorted().doesNotContain(-1);
    }

    @Test
    void shortAndLongFormsAndLabelConditionsRead() throws Exception {
        Mapping m = read("""
                {"id": {"column": "order id"}, "event_time": {"column": "ts", "format": "iso", "zone": "Europe/Paris"},
                 "entity": "Shop Name",
                 "attributes": {"origin": "string", "cost_total": {"column": "Cost Total $", "type": "double"}},
                 "label": {"column": "rating", "op": ">=", "value": 4}, "label_delay": "0"}""");
        assertThat(m.attributes().get("cost_total")).isEqualTo(new Mapping.Attribute("Cost Total $", Mapping.AttributeType.DOUBLE));
        assertThat(m.attributes().get("origin")).isEqualTo(new Mapping.Attribute("origin", Mapping.AttributeType.STRING));
        assertThat(m.label()).isEqualTo(new Mapping.Label("rating", ">=", "4"));
        assertThat(m.labelTiming()).isEqualTo(new Mapping.LabelDelay(Duration.ZERO));
        assertThat(m.eventTime().format()).isEqualTo(TimeFormat.of(TimeFormat.Kind.ISO, ZoneId.of("Europe/Paris")));
        assertThat(read(base("\"label\": {\"column\": \"r\"}, \"label_delay\": \"PT0S\"")).labelTiming())
                .isEqualTo(new Mapping.LabelDelay(Duration.ZERO));
        assertThat(read(base("\"label\": {\"column\": \"r\"}")).labelTiming()).isNull();
    }

    @Test
    void labelParseSplitsAtTheFirstOperator() {
        assertThat(Mapping.Label.parse("rating>=4")).isEqualTo(new Mapping.Label("rating", ">=", "4"));
        assertThat(Mapping.Label.parse("Effect Amount of damage!=None"))
                .isEqualTo(new Mapping.Label("Effect Amount of damage", "!=", "None"));
        assertThat(Mapping.Label.parse("rating")).isEqualTo(Mapping.Label.of("rating"));
        assertThat(Mapping.Label.parse("score < 0.5")).isEqualTo(new Mapping.Label("score", "<", "0.5"));
        assertThat(Mapping.Label.parse("a==b<c")).isEqualTo(new Mapping.Label("a", "==", "b<c"));
        assertThat(Mapping.Label.parse("rating>=4").toString()).isEqualTo("rating>=4");
        assertThatThrownBy(() -> Mapping.Label.parse(">=4")).hasMessageContaining("no column");
    }

    @Test
    void mistakesAreNamedWithTheFile() throws Exception {
        assertThatThrownBy(() -> read(base("\"label\": {\"column\": \"r\"}, \"label_delay\": \"PT1M\", \"label_time\": {\"column\": \"t\"}")))
                .hasMessageContaining("m.json").hasMessageContaining("label_time and label_delay");
        assertThatThrownBy(() -> read(base("\"label_delay\": \"PT1M\""))).hasMessageContaining("needs a label");
        assertThatThrownBy(() -> read(base("\"label\": {\"column\": \"r\"}, \"label_delay\": \"1 minute\"")))
                .hasMessageContaining("PT1M");
        assertThatThrownBy(() -> read(base("\"attributes\": {\"a\": \"int\"}"))).hasMessageContaining("attribute a has type 'int'");
        assertThatThrownBy(() -> read(base("\"attributes\": {\"a\": {\"colum\": \"A\", \"type\": \"long\"}}")))
                .hasMessageContaining("colum");
        assertThatThrownBy(() -> read(base("\"label\": {\"column\": \"r\", \"op\": \"=~\", \"value\": \"x\"}")))
                .hasMessageContaining("=~");
        assertThatThrownBy(() -> read("{\"event_time\": {\"column\": \"ts\"}}")).hasMessageContaining("id is required");
    }

    private static String base(String more) {
        return "{\"id\": {\"column\": \"#row\"}, \"event_time\": {\"column\": \"ts\"}, " + more + "}";
    }

    private Mapping read(String json) throws Exception {
        Path file = dir.resolve("m.json");
        Files.writeString(file, json);
        return Mapping.read(file);
    }
}
