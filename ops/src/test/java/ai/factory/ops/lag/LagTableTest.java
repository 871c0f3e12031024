package ai.factory.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ai.factory.ops.status.Status;
import org.junit.jupiter.api.Test;

class LagTableTest {

    @Test
    void rendersOneLinePerGroupAndPartitionWithAlignedColumns() {
        PartitionView p = new PartitionView("events", 0, 10, 0, 40, 40, 30, 12.5, 1000L, 13500L, Status.STOP, "no active consumer",
                0, 0, 0, null);
        GroupView g = new GroupView("ingest", "EMPTY", 0, Status.STOP, "events-0: no active consumer", 30, 12.5, 0, 0, 0, null,
                List.of("events"), List.of(p));
        String text = LagTable.render(new LagSnapshot(1, 5000, 10, 3, null, List.of(g)), true);
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("GROUP").contains("LAG-S").contains("STATUS");
        assertThat(lines.get(1)).startsWith("ingest").contains(" 30 ").contains("12.5").contains("STOP");
        assertThat(lines.get(2)).contains("events").contains(" 10 ").contains(" 40 ").contains("no active consumer");
        assertThat(lines.get(1).indexOf("STOP")).isEqualTo(lines.get(2).indexOf("STOP"));
    }

    @Test
    void saysSoWhenThereIsNothingToShow() {
        assertThat(LagTable.render(LagSnapshot.empty(5000, 10), false)).contains("(no consumer groups)");
    }
}
