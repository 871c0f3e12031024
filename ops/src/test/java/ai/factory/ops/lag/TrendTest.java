package ai.factory.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import ai.factory.ops.status.Observation;
import org.junit.jupiter.api.Test;

class TrendTest {

    @Test
    void catchUpTimeIsLagOverTheNetRate() {
        // Consumes 100/s, producer adds 20/s: gains 80/s on a lag of 800 → 10 s.
        List<Observation> window = List.of(
                Observation.of(0, 0, 0, 1000, 1000, true),
                Observation.of(5_000, 500, 0, 1100, 600, true),
                Observation.of(10_000, 1000, 0, 1200, 200, true));
        Trend trend = Trend.of(window);
        assertThat(trend.consumeRate()).isCloseTo(100, within(1e-9));
        assertThat(trend.produceRate()).isCloseTo(20, within(1e-9));
        assertThat(trend.lagSlope()).isCloseTo(-80, within(1e-9));
        assertThat(trend.catchUpSeconds()).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void aConsumerSlowerThanItsProducerNeverCatchesUp() {
        Trend trend = Trend.of(List.of(Observation.of(0, 0, 0, 100, 100, true), Observation.of(1_000, 10, 0, 150, 140, true)));
        assertThat(trend.catchUpSeconds()).isNull();
        assertThat(trend.lagSlope()).isCloseTo(40, within(1e-9));
    }

    @Test
    void aGroupTakesTheSlowestPartitionAndAddsRates() {
        Trend group = Trend.combine(List.of(new Trend(10, 1, -9, 5.0), new Trend(20, 2, -18, 30.0)), 100);
        assertThat(group).isEqualTo(new Trend(30, 3, -27, 30.0));
        assertThat(Trend.combine(List.of(new Trend(10, 1, -9, 5.0), new Trend(0, 2, 2, null)), 100).catchUpSeconds()).isNull();
        assertThat(Trend.combine(List.of(new Trend(0, 0, 0, null)), 0).catchUpSeconds()).isEqualTo(0.0);
    }
}
