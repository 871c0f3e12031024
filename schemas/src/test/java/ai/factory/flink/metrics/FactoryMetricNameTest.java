package ai.factory.flink.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class FactoryMetricNameTest {

    private static final Map<String, String> TASK = Map.of("<job_name>", "factory-ingest", "<operator_name>", "validate",
            "<subtask_index>", "1", "<host>", "localhost");

    @Test
    void projectMetricsGetTheirGroupAsNameAndTheTaskAsTags() {
        FactoryMetricName name = FactoryMetricName.of(
                new String[] {"localhost", "taskmanager", "tm1", "factory-ingest", "validate", "1", "factory", "ingest"},
                TASK, "eventsIn");

        assertThat(name.name()).isEqualTo("factory.ingest.events.in");
        assertThat(name.tags()).containsExactly(Map.entry("job_name", "factory-ingest"), Map.entry("operator_name", "validate"),
                Map.entry("subtask_index", "1"));
    }

    @Test
    void keyValueGroupsBecomeTags() {
        Map<String, String> variables = new java.util.HashMap<>(TASK);
        variables.put("<model>", "flights");
        variables.put("<decision>", "champion");
        FactoryMetricName name = FactoryMetricName.of(new String[] {"localhost", "taskmanager", "tm1", "job", "train", "0",
                "factory", "trainer", "model", "flights", "decision", "champion"}, variables, "releases");

        assertThat(name.name()).isEqualTo("factory.trainer.releases");
        assertThat(name.tags()).containsEntry("model", "flights").containsEntry("decision", "champion");
    }

    @Test
    void flinksOwnMetricsAreNone() {
        assertThat(FactoryMetricName.of(new String[] {"localhost", "taskmanager", "tm1", "job", "validate", "0"}, TASK,
                "numRecordsIn")).isNull();
    }

    @Test
    void camelAndSnakeCaseBecomeDots() {
        assertThat(FactoryMetricName.dotted("lateEvents")).isEqualTo("late.events");
        assertThat(FactoryMetricName.dotted("examples_trained")).isEqualTo("examples.trained");
    }
}
