package ai.factory.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The small statistics and naming rules init relies on, against values worked out by hand. */
class AssociationTest {

    @Test
    void aucCountsTiesAsHalfAndIsHalfWithOneClass() {
        assertThat(Association.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new double[] {0, 0, 1, 1})).isEqualTo(0.75);
        assertThat(Association.auc(new double[] {1, 1, 1, 1}, new double[] {0, 1, 0, 1})).isEqualTo(0.5);
        assertThat(Association.auc(new double[] {1, 2}, new double[] {1, 1})).isEqualTo(0.5);
        assertThat(Association.auc(new double[] {Double.NaN, 1, 2}, new double[] {1, 0, 1})).isEqualTo(1.0);
    }

    @Test
    void rSquaredIsOneOnALineAndSkipsMissingValues() {
        assertThat(Association.rSquared(new double[] {1, 2, Double.NaN, 3}, new double[] {2, 4, 100, 6})).isCloseTo(1, within(1e-12));
        assertThat(Association.rSquared(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isZero();
    }

    @Test
    void etaSquaredShrinksSmallCategoriesTowardsTheMean() {
        // Two categories of 20 rows that split the label perfectly: shrinkage by 20 rows halves each mean's distance.
        List<String> c = new java.util.ArrayList<>();
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            c.add(i < 20 ? "a" : "b");
            y[i] = i < 20 ? 1 : 0;
        }
        assertThat(Association.etaSquared(c, y)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void namesAreLowerCaseWordsAndNestedFieldsKeepTheirLastPartWhenUnique() {
        Map<String, String> names = Names.forColumns(List.of("Cost Total $", "properties.mag", "geometry.coordinates.0",
                "a.id", "b.id", "2nd"));
        assertThat(names).containsEntry("Cost Total $", "cost_total").containsEntry("properties.mag", "mag")
                .containsEntry("geometry.coordinates.0", "coordinates_0").containsEntry("a.id", "a_id")
                .containsEntry("b.id", "b_id").containsEntry("2nd", "c_2nd");
        assertThat(Names.forFile("Bird Strikes.csv.gz")).isEqualTo("bird_strikes");
    }

    @Test
    void windowsRoundUpToALadderStep() {
        assertThat(WindowLength.atLeast(Duration.ofMinutes(7))).isEqualTo(Duration.ofMinutes(15));
        assertThat(WindowLength.atLeast(Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
        assertThat(WindowLength.atLeast(Duration.ofDays(4000))).isEqualTo(Duration.ofDays(365));
        assertThat(WindowLength.suffix(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(WindowLength.suffix(Duration.ofHours(6))).isEqualTo("6h");
        assertThat(WindowLength.suffix(Duration.ofMinutes(15))).isEqualTo("15m");
    }
}
