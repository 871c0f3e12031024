package ai.factory.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.cli.LoopBenches.Quality.RunQuality;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code bench quality --rounds}: each kind's mean over its runs, and the deep kinds' means against logistic's, also round by round. */
class QualityRoundsTest {

    @Test
    void eachKindsMeanIsSetAgainstTheLogisticMeanAtTheSameDelay() {
        Map<String, List<RunQuality>> runs = new LinkedHashMap<>();
        runs.put("logistic, label at landing", List.of(new RunQuality(0.52, 0.55, 0.67), new RunQuality(0.53, 0.55, 0.68)));
        runs.put("wide-deep, label at landing", List.of(new RunQuality(0.51, 0.55, 0.69), new RunQuality(0.52, 0.55, 0.70)));
        runs.put("wide-deep, label at once", List.of(new RunQuality(0.50, 0.55, 0.71)));
        BenchResult.Builder result = BenchResult.builder("quality", "test");

        LoopBenches.Quality.means(result, runs);

        Map<String, Figure> figures = new LinkedHashMap<>();
        result.build().figures().forEach(f -> figures.put(f.name(), f));
        assertThat(figures.get("mean log loss (logistic, label at landing, 2 runs)").value()).isCloseTo(0.525, within(1e-12));
        assertThat(figures.get("mean AUC (wide-deep, label at landing, 2 runs)").value()).isCloseTo(0.695, within(1e-12));
        Figure against = figures.get("mean log loss (wide-deep, label at landing) against logistic");
        assertThat(against.value()).isCloseTo(0.515, within(1e-12));
        assertThat(against.baselineValue()).isCloseTo(0.525, within(1e-12));
        assertThat(figures.get("paired log loss difference (wide-deep, label at landing - logistic, 2 rounds)").value())
                .isCloseTo(-0.01, within(1e-12));
        assertThat(figures.get("rounds with the lower log loss (wide-deep, label at landing - logistic, 2 rounds)").value()).isEqualTo(2);
        assertThat(figures.get("p, sign-flip test of no gain (wide-deep, label at landing - logistic, 2 rounds)").value())
                .isCloseTo(0.25, within(1e-12));
        assertThat(figures).as("no logistic run without delay to set it against")
                .doesNotContainKey("mean log loss (wide-deep, label at once) against logistic")
                .doesNotContainKey("mean log loss (logistic, label at landing) against logistic");
    }
}
