package ai.factory.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The session cluster the cluster tests run on is real: separate JobManager and TaskManager processes. */
class FlinkSessionClusterTest {

    @Test
    void startsAJobManagerAndTaskManagerProcessesThatRegisterTheirSlots() throws Exception {
        Path home = Files.createTempDirectory("flink-session");
        try (FlinkSessionCluster cluster = FlinkSessionCluster.start(home, 1)) {
            var overview = cluster.get("/overview");
            assertThat(overview.path("taskmanagers").asInt()).isEqualTo(1);
            assertThat(overview.path("slots-total").asInt()).isEqualTo(2);
            assertThat(overview.path("flink-version").asText()).isEqualTo("2.2.1");
            assertThat(cluster.taskManagers()).allMatch(Process::isAlive);
            assertThat(cluster.taskManagers().get(0).pid()).isNotEqualTo(ProcessHandle.current().pid());
        }
    }
}
