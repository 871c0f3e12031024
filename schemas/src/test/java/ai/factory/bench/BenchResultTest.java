package ai.factory.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import org.junit.jupiter.api.Test;

class BenchResultTest {

    @Test
    void aTargetIsOnTheRatioWithABaselineAndOnTheValueWithout() {
        Figure job = Figure.against("job", 30, "events/s", "copy", 100).withTarget(Target.atLeast(0.5));
        Figure refresh = Figure.of("refresh", 800, "ms").withTarget(Target.atMost(1000));

        assertThat(job.ratio()).isEqualTo(0.3);
        assertThat(job.targetMet()).isFalse();
        assertThat(job.withTarget(Target.atLeast(0.3)).targetMet()).isTrue();
        assertThat(refresh.ratio()).isNull();
        assertThat(refresh.targetMet()).isTrue();
        assertThat(Figure.of("p50", 3, "ms").targetMet()).isNull();
        assertThat(Figure.against("x", 1, "ms", "zero", 0).withTarget(Target.atLeast(1)).targetMet()).isNull();
        assertThat(Target.atLeast(0.5)).hasToString("≥ 0.5");
        assertThat(Target.atMost(1)).hasToString("≤ 1");
    }

    @Test
    void aBaselineNeedsANameAndAValue() {
        assertThatThrownBy(() -> new Figure("x", 1, "ms", "copy", null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textShowsEachFigureWithItsBaselineRatioAndTarget() {
        BenchResult r = BenchResult.builder("ingest", "events/s next to a copy").setting("events", 200_000)
                .figure(Figure.against("job", 12_345.6, "events/s", "copy", 50_000).withTarget(Target.atLeast(0.5)))
                .figure(Figure.of("p99", 0.01234, "ms"))
                .note("net runtime").build();

        assertThat(r.toText()).isEqualTo("""
                ingest: events/s next to a copy
                  events 200000
                  job  12,346 events/s; copy 50,000: ratio 0.247 (target ≥ 0.5, MISSED)
                  p99  0.0123 ms
                  note: net runtime
                """);
    }

    @Test
    void countsPrintWithoutDecimalsAndFractionsWithThem() {
        assertThat(BenchResult.number(3)).isEqualTo("3");
        assertThat(BenchResult.number(0)).isEqualTo("0");
        assertThat(BenchResult.number(-0.0)).isEqualTo("0");
        assertThat(BenchResult.number(-2)).isEqualTo("-2");
        assertThat(BenchResult.number(1.5)).isEqualTo("1.50");
        assertThat(BenchResult.number(0.125)).isEqualTo("0.125");
        assertThat(BenchResult.number(12_345)).isEqualTo("12,345");
    }
}
