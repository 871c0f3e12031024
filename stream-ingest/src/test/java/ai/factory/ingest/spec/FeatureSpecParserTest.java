package ai.factory.ingest.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.spec.FeatureDefinition.FeedbackAggregate;
import ai.factory.ingest.spec.FeatureDefinition.WindowAggregate;
import ai.factory.target.ModelTarget;
import org.junit.jupiter.api.Test;

class FeatureSpecParserTest {

    @Test
    void theShippedFlightsSpecDescribesTheFlightFeatures() {
        FeatureSpec spec = FeatureSpecParser.load("classpath:specs/flights.json");
        FeatureLayout layout = FeatureLayout.of(spec);

        assertThat(spec.label()).isEqualTo("flights v3");
        assertThat(layout.denseNames()).containsExactly("distance", "departure_hour.sin", "departure_hour.cos",
                "departure_weekday.sin", "departure_weekday.cos", "origin_departures_60m", "origin_late_share_2h",
                "origin_landed_2h");
        assertThat(layout.sparseNames()).containsExactly("origin", "destination", "route", "hour", "weekday", "origin_hour",
                "destination_hour");
        assertThat(spec.feature("origin_departures_60m"))
                .isEqualTo(new WindowAggregate("origin_departures_60m", "origin", Duration.ofMinutes(60),
                        FeatureDefinition.Aggregate.COUNT, null, List.of(NumericTransform.log1p())));
        assertThat(spec.feature("origin_late_share_2h"))
                .isEqualTo(new FeedbackAggregate("origin_late_share_2h", "origin", Duration.ofHours(2),
                        FeatureDefinition.Aggregate.MEAN, List.of()));
        // One stage keyed by origin (window + feedback aggregates), then the global standardization stage.
        assertThat(layout.stages()).extracting(FeatureLayout.Stage::keyAttribute).containsExactly("origin", null);
    }

    @Test
    void aMinimalSpecGetsDefaults() {
        FeatureSpec spec = FeatureSpecParser.parse("""
                {"name": "m", "version": 2, "attributes": {"a": {"type": "string"}},
                 "features": [{"name": "a", "kind": "categorical", "attribute": "a"}]}""");
        assertThat(spec.sparseBuckets()).isEqualTo(1 << 18);
        assertThat(spec.limits()).isEqualTo(Limits.defaults());
        assertThat(FeatureLayout.of(spec).stages()).isEmpty();
        assertThat(spec.model()).as("no model section: a binary model named after the spec")
                .isEqualTo(ModelTarget.binary("m"));
    }

    @Test
    void theModelSectionNamesTheModelItsTaskAndTheLabelScale() {
        FeatureSpec spec = FeatureSpecParser.parse("""
                {"name": "quakes", "version": 1, "attributes": {"a": {"type": "string"}},
                 "model": {"name": "magnitude", "task": "regression", "label_mean": 1.5, "label_std": 1.25},
                 "features": [{"name": "a", "kind": "categorical", "attribute": "a"}]}""");
        assertThat(spec.model()).isEqualTo(new ModelTarget("magnitude", "regression", 1.5, 1.25));
        assertThat(spec.model().regression()).isTrue();

        String head = "{\"name\":\"b\",\"version\":1,\"attributes\":{\"a\":{\"type\":\"string\"}},"
                + "\"features\":[{\"name\":\"a\",\"kind\":\"categorical\",\"attribute\":\"a\"}],\"model\":";
        assertThatThrownBy(() -> FeatureSpecParser.parse(head + "{\"task\":\"ranking\"}}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("binary or regression");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head + "{\"task\":\"regression\",\"label_std\":0}}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("label_std positive");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head + "{\"task\":\"binary\",\"label_mean\":3}}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("base rate in (0, 1)");
        assertThat(FeatureSpecParser.parse(head + "{\"task\":\"binary\",\"label_mean\":0.25}}").model().labelMean())
                .isEqualTo(0.25);
    }

    @Test
    void brokenSpecsFailWithTheReason() {
        String head = "{\"name\":\"b\",\"version\":1,\"attributes\":{\"a\":{\"type\":\"string\"},\"n\":{\"type\":\"number\"}},\"features\":[";
        assertThatThrownBy(() -> FeatureSpecParser.parse(head + "{\"name\":\"f\",\"kind\":\"magic\"}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("unknown kind 'magic'");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head
                + "{\"name\":\"f\",\"kind\":\"numeric\",\"attribute\":\"n\",\"transforms\":[\"standardize\",\"log1p\"]}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("standardize must be the last");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head + "{\"name\":\"f\",\"kind\":\"numeric\",\"attribute\":\"zz\"}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("'zz' which spec.attributes does not declare");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head + "{\"name\":\"f\",\"kind\":\"numeric\",\"attribute\":\"a\"}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("cannot use STRING attribute 'a'");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head + "{\"name\":\"f\",\"kind\":\"numeric\",\"attribute\":\"n\"},"
                + "{\"name\":\"x\",\"kind\":\"cross\",\"of\":[\"f\",\"f\"]}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("'f' is not a categorical feature");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head
                + "{\"name\":\"w\",\"kind\":\"window\",\"key\":\"a\",\"window\":\"an hour\",\"aggregate\":\"count\"}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("ISO-8601 duration");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head
                + "{\"name\":\"w\",\"kind\":\"window\",\"key\":\"a\",\"window\":\"PT1H\",\"aggregate\":\"sum\"}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("sum needs an attribute");
        assertThatThrownBy(() -> FeatureSpecParser.parse(head
                + "{\"name\":\"w\",\"kind\":\"feedback\",\"key\":\"a\",\"window\":\"PT1H\",\"aggregate\":\"count\",\"transforms\":[\"standardize\"]}]}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("take log1p and clip, not standardize");
        assertThatThrownBy(() -> FeatureSpecParser.parse("{\"name\":\"b\"}"))
                .isInstanceOf(SpecException.class).hasMessageContaining("spec.version is required");
        assertThatThrownBy(() -> FeatureSpecParser.parse("{not json"))
                .isInstanceOf(SpecException.class).hasMessageContaining("not valid JSON");
    }
}
