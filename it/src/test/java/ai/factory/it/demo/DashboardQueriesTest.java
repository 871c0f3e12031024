package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The PromQL name extraction the dashboard test relies on, on the shapes the dashboard uses and a few it may. */
class DashboardQueriesTest {

    @Test
    void functionsAggregationsMatchersAndRangesAreNoNames() {
        assertThat(DashboardQueries.metricNames("sum by (reason) (rate(factory_ingest_rejected_total{job=~\"x.*\"}[$__rate_interval]))"))
                .containsExactly("factory_ingest_rejected_total");
        assertThat(DashboardQueries.metricNames(
                "histogram_quantile(0.99, sum(rate(factory_scoring_latency_event_to_served_seconds_bucket[5m])) by (le))"))
                .containsExactly("factory_scoring_latency_event_to_served_seconds_bucket");
    }

    @Test
    void binaryExpressionsYieldEachSide() {
        assertThat(DashboardQueries.metricNames("rate(a_sum[1m]) / ignoring(x) rate(a_count[1m]) > bool 1e3 and on(model) b offset 5m"))
                .containsExactly("a_count", "a_sum", "b");
    }

    @Test
    void aBareSelectorAndVariablesInMatchers() {
        assertThat(DashboardQueries.metricNames("factory_ops_quality_logloss{model=\"$model\", version!='1'}"))
                .containsExactly("factory_ops_quality_logloss");
        assertThat(DashboardQueries.metricNames("max without (subtask) (x) * $scale")).containsExactly("x");
    }

    @Test
    void scrapedNamesAreTheSampleNames() {
        String scrape = """
                # HELP a_total things
                # TYPE a_total counter
                a_total{reason="x"} 3.0
                b_seconds_bucket{le="0.1",} 1.0
                c 2.0
                """;
        assertThat(DashboardQueries.scrapedNames(scrape)).containsExactly("a_total", "b_seconds_bucket", "c");
    }

    @Test
    void theCommittedDashboardHasQueriesAndEachReadsAMetric() throws Exception {
        var exprs = DashboardQueries.expressions(DemoRuns.HOME.resolve("docs/grafana/factory-loop.json"));
        assertThat(exprs).hasSizeGreaterThan(10);
        assertThat(exprs).allSatisfy(e -> assertThat(DashboardQueries.metricNames(e)).as(e).isNotEmpty()
                .allMatch(n -> n.startsWith("factory_")));
    }
}
