package ai.factory.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.replay.Mapping;
import ai.factory.replay.TimeFormat;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of factory init on small files made here, each rule with a column that triggers it. */
class InferenceTest {

    @TempDir
    Path dir;

    /**
     * A CSV as people have them: a date column, a header with spaces, a quoted text column with commas, a category
     * that drives the label, a skewed amount, an id-like column, a constant, an always-empty column and a column
     * that copies the label.
     */
    private Path strikes() throws IOException {
        Random random = new Random(7);
        List<String> lines = new ArrayList<>();
        lines.add("Flight Date,Wildlife Size,Operator,Cost Total $,Report Id,Source,Notes,Damage,Damage Copy");
        String[] sizes = {"Small", "Medium", "Large"};
        String[] operators = {"A", "B", "C", "D", "E", "F"};
        for (int i = 0; i < 3000; i++) {
            String size = sizes[random.nextInt(3)];
            boolean damaged = random.nextDouble() < (size.equals("Large") ? 0.6 : 0.1);
            String date = Instant.parse("2001-01-01T00:00:00Z").plus(Duration.ofDays(i / 10)).toString().substring(0, 10);
            long cost = (long) Math.exp(random.nextGaussian() * 2 + 3);
            lines.add(String.join(",", date, size, operators[random.nextInt(6)], Long.toString(cost), "r" + i, "faa",
                    "\"note, with a comma\"", damaged ? "Minor" : "None", damaged ? "yes" : "no"));
        }
        Path file = dir.resolve("strikes.csv");
        Files.write(file, lines);
        return file;
    }

    @Test
    void aCsvWithDatesAConditionLabelAndEveryKindOfColumn() throws IOException {
        Inference.Result r = Inference.infer(DataSample.read(strikes(), 10_000),
                choices("Damage!=None", null, null, null, List.of()));

        Mapping m = r.mapping();
        assertThat(m.eventTime().column()).isEqualTo("Flight Date");
        assertThat(m.eventTime().format().kind()).isEqualTo(TimeFormat.Kind.ISO);
        assertThat(m.label()).isEqualTo(new Mapping.Label("Damage", "!=", "None"));
        assertThat(m.id().rowNumber()).isTrue();
        assertThat(m.attributes().get("cost_total")).isEqualTo(new Mapping.Attribute("Cost Total $", Mapping.AttributeType.DOUBLE));
        assertThat(m.attributes()).doesNotContainKeys("report_id", "source", "notes", "flight_date", "damage");

        JsonNode spec = r.spec();
        assertThat(spec.path("model").path("task").asText()).isEqualTo("binary");
        assertThat(spec.path("model").path("label_mean").asDouble()).as("the base rate").isBetween(0.2, 0.35);
        assertThat(feature(spec, "wildlife_size").path("kind").asText()).isEqualTo("categorical");
        assertThat(feature(spec, "cost_total").path("transforms").toString()).isEqualTo("[\"log1p\",\"standardize\"]");
        assertThat(feature(spec, "weekday").path("part").asText()).as("dates only: weekday and month").isEqualTo("day_of_week");
        assertThat(feature(spec, "month").isMissingNode()).isFalse();
        assertThat(feature(spec, "hour").isMissingNode()).isTrue();
        assertThat(feature(spec, "wildlife_size_x_operator").path("kind").asText()).isEqualTo("cross");
        assertThat(m.entity()).as("the strongest category that repeats").isEqualTo("Wildlife Size");
        assertThat(kinds(spec, "feedback")).extracting(f -> f.path("key").asText()).containsOnly("wildlife_size");
        assertThat(kinds(spec, "window")).extracting(f -> f.path("aggregate").asText()).containsExactly("count");
        assertThat(feature(spec, "damage_copy").isMissingNode()).as("a copy of the label is held back").isTrue();
        assertThat(m.attributes()).as("but kept in the mapping for a person to add").containsKey("damage_copy");

        assertThat(r.report()).anySatisfy(l -> assertThat(l).contains("'Report Id'").contains("an identifier or free text"))
                .anySatisfy(l -> assertThat(l).contains("Source").contains("one value only"))
                .anySatisfy(l -> assertThat(l).contains("'Damage Copy'").contains("held back"));

        // What init writes is what the demo reads.
        StarterFiles files = StarterFiles.of(dir.resolve("strikes.csv"), null);
        files.write(r);
        assertThat(Mapping.read(files.mapping())).isEqualTo(m);
        FeatureSpec parsed = FeatureSpecParser.load(files.spec().toString());
        assertThat(parsed.model().name()).isEqualTo("strikes");
        assertThat(FeatureLayout.of(parsed).denseSize()).isPositive();
    }

    @Test
    void nestedJsonLinesWithEpochSecondsANumericLabelAndALabelDelay() throws IOException {
        Random random = new Random(3);
        List<String> lines = new ArrayList<>();
        String[] nets = {"ci", "nc", "us", "ak"};
        long t0 = Instant.parse("2018-01-31T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 2000; i++) {
            String net = nets[random.nextInt(4)];
            double mag = (net.equals("us") ? 4.5 : 1.2) + random.nextGaussian() * 0.4;
            lines.add("{\"properties\":{\"mag\":" + mag + ",\"net\":\"" + net + "\",\"time\":" + (t0 + i * 300L)
                    + ",\"depth\":" + random.nextInt(50) + ".5},\"geometry\":{\"coordinates\":[" + random.nextGaussian() + ",1.0]}}");
        }
        Path file = dir.resolve("quakes.jsonl");
        Files.write(file, lines);

        Inference.Result r = Inference.infer(DataSample.read(file, 10_000),
                new Inference.Choices("properties.mag", null, null, null, null, null, Duration.ofHours(2), List.of(), null, null));

        assertThat(r.mapping().eventTime().column()).isEqualTo("properties.time");
        assertThat(r.mapping().eventTime().format().kind()).isEqualTo(TimeFormat.Kind.EPOCH_S);
        assertThat(r.mapping().labelTiming()).isEqualTo(new Mapping.LabelDelay(Duration.ofHours(2)));
        JsonNode model = r.spec().path("model");
        assertThat(model.path("task").asText()).isEqualTo("regression");
        assertThat(model.path("label_mean").asDouble()).isBetween(1.8, 2.4);
        assertThat(model.path("label_std").asDouble()).isBetween(1.2, 1.7);
        assertThat(r.mapping().attributes().get("net").column()).isEqualTo("properties.net");
        assertThat(r.mapping().attributes().get("coordinates_0").column()).isEqualTo("geometry.coordinates.0");
        assertThat(feature(r.spec(), "hour").path("encoding").asText()).as("times of day: hour features").isEqualTo("cyclic");
        // Labels two hours late: the label aggregates look back at least four delays.
        assertThat(kinds(r.spec(), "feedback")).isNotEmpty().allSatisfy(f ->
                assertThat(Duration.parse(f.path("window").asText())).isGreaterThanOrEqualTo(Duration.ofHours(8)));
        FeatureSpecParser.parse(r.spec().toString());
    }

    @Test
    void whatCannotBeInferredIsAskedForByName() throws IOException {
        Path noTime = dir.resolve("plain.csv");
        Files.write(noTime, List.of("a,label", "x,1", "y,0"));
        assertThatThrownBy(() -> Inference.infer(DataSample.read(noTime, 100), choices(null, null, null, null, List.of())))
                .hasMessageContaining("--time COLUMN");

        Path noLabel = dir.resolve("nolabel.csv");
        Files.write(noLabel, List.of("ts,a", "2001-01-01T00:00:00Z,x", "2001-01-01T00:01:00Z,y"));
        assertThatThrownBy(() -> Inference.infer(DataSample.read(noLabel, 100), choices(null, null, null, null, List.of())))
                .hasMessageContaining("--label COLUMN").hasMessageContaining("ts, a");

        Path numbers = dir.resolve("numbers.csv");
        Files.write(numbers, List.of("ts,rating", "2001-01-01T00:00:00Z,4", "2001-01-01T00:01:00Z,2"));
        assertThatThrownBy(() -> Inference.infer(DataSample.read(numbers, 100), choices("rating", "binary", null, null, List.of())))
                .hasMessageContaining("--label 'rating>=4'");
        assertThatThrownBy(() -> Inference.infer(DataSample.read(numbers, 100), choices("rating", null, null, null, List.of("nope"))))
                .hasMessageContaining("no column 'nope'");
    }

    private static Inference.Choices choices(String label, String task, String entity, String id, List<String> exclude) {
        return new Inference.Choices(label, null, id, entity, task, null, null, exclude, null, null);
    }

    private static List<JsonNode> kinds(JsonNode spec, String kind) {
        List<JsonNode> found = new ArrayList<>();
        spec.path("features").forEach(f -> {
            if (f.path("kind").asText().equals(kind)) {
                found.add(f);
            }
        });
        return found;
    }

    private static JsonNode feature(JsonNode spec, String name) {
        for (JsonNode f : spec.path("features")) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
