package ai.factory.flink.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import ai.factory.metrics.CostMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

class CostSeriesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** What {@link FlinkCost} registers for an operator's subtask, as the reporter is told of it. */
    private static FactoryMetricName name(String operator, int subtask, String metric, String... unit) {
        String[] scope = unit.length == 0
                ? new String[] {"host", "taskmanager", "job", operator, String.valueOf(subtask), "factory", "cost", "component", "ingest"}
                : new String[] {"host", "taskmanager", "job", operator, String.valueOf(subtask), "factory", "cost", "component", "ingest", "unit", unit[0]};
        return FactoryMetricName.of(scope, Map.of("<job_name>", "job", "<operator_name>", operator,
                "<subtask_index>", String.valueOf(subtask), "<component>", "ingest", "<unit>", unit.length == 0 ? "" : unit[0]), metric);
    }

    @Test
    void operatorsAndSubtasksSumIntoOneSeriesInSecondsThatNeverFalls() {
        CostSeries series = new CostSeries(registry);
        Counter validate = new SimpleCounter();
        Counter deduplicate0 = new SimpleCounter();
        Counter deduplicate1 = new SimpleCounter();
        Counter events = new SimpleCounter();
        series.add(validate, name("validate", 0, FlinkCost.CPU_NANOS));
        series.add(deduplicate0, name("deduplicate", 0, FlinkCost.CPU_NANOS));
        series.add(deduplicate1, name("deduplicate", 1, FlinkCost.CPU_NANOS));
        series.add(events, name("validate", 0, FlinkCost.UNITS, CostMeters.EVENTS));
        validate.inc(1_000_000_000L);
        deduplicate0.inc(250_000_000L);
        deduplicate1.inc(250_000_000L);
        events.inc(3_000);

        assertThat(registry.find(CostMeters.CPU).functionCounters()).hasSize(1);
        assertThat(registry.get(CostMeters.CPU).tags("component", "ingest").functionCounter().count()).isCloseTo(1.5, within(1e-9));
        assertThat(registry.get(CostMeters.UNITS).tags("component", "ingest", "unit", CostMeters.EVENTS).functionCounter().count())
                .isEqualTo(3_000);
        assertThat(registry.get(CostMeters.CPU).functionCounter().getId().getTag("operator_name")).isNull();

        assertThat(series.remove(deduplicate1)).isTrue();
        assertThat(series.remove(new SimpleCounter())).isFalse();
        assertThat(registry.get(CostMeters.CPU).functionCounter().count()).as("an ended task's count stays").isCloseTo(1.5, within(1e-9));
        series.close();
        assertThat(registry.find(CostMeters.CPU).meters()).isEmpty();
    }

    @Test
    void onlyTheCostCountersAreSummed() {
        assertThat(CostSeries.isCost(name("validate", 0, FlinkCost.CPU_NANOS))).isTrue();
        assertThat(CostSeries.isCost(name("validate", 0, FlinkCost.GPU_NANOS))).isTrue();
        assertThat(CostSeries.isCost(FactoryMetricName.of(new String[] {"factory", "ingest"}, Map.of(), "eventsIn"))).isFalse();
    }
}
