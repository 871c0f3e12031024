package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void percentilesByNearestRank() {
        Percentiles p = new Percentiles();
        for (int i = 1; i <= 100; i++) {
            p.add(i);
        }
        assertThat(p.quantile(0.5)).isEqualTo(50);
        assertThat(p.quantile(0.99)).isEqualTo(99);
        assertThat(new Percentiles().quantile(0.5)).isNaN();
    }
}
