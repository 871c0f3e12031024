package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalSortTest {

    @TempDir
    Path work;

    private static final Function<RowReader.Row, Instant> TIME = row ->
            row.ok() && row.values().get("t") != null ? Instant.ofEpochSecond(Long.parseLong(row.values().get("t"))) : null;

    @Test
    void manyRunsMergeToTheSameOrderAsAStableInMemorySort() throws IOException {
        Random random = new Random(7);
        List<RowReader.Row> rows = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            Map<String, String> values = new HashMap<>();
            values.put("t", Integer.toString(random.nextInt(20)));
            values.put("note", i % 7 == 0 ? null : "row, \"" + i + "\"\n");
            rows.add(new RowReader.Row(i, i + 1, values, null));
        }
        rows.add(new RowReader.Row(201, 202, Map.of(), "expected 2 columns, found 3"));
        List<RowReader.Row> expected = new ArrayList<>(rows);
        expected.sort(Comparator.comparing(TIME, Comparator.nullsFirst(Comparator.naturalOrder())));

        try (ExternalSort.Sorted sorted = ExternalSort.sort(rows.iterator(), TIME, work, 16)) {
            assertThat(sorted.runs()).isEqualTo(13);
            assertThat(sorted.rows()).isEqualTo(201);
            assertThat(files()).hasSize(13);
            List<RowReader.Row> out = new ArrayList<>();
            sorted.forEachRemaining(out::add);
            assertThat(out).containsExactlyElementsOf(expected);
            assertThat(sorted.fractionRead()).isEqualTo(1.0);
        }
        assertThat(files()).isEmpty();
    }

    @Test
    void rowsThatFitInOneRunStayInMemory() throws IOException {
        List<RowReader.Row> rows = List.of(row(1, "5"), row(2, "3"), row(3, "5"), row(4, "1"));
        try (ExternalSort.Sorted sorted = ExternalSort.sort(rows.iterator(), TIME, work, 4)) {
            assertThat(sorted.runs()).isEqualTo(1);
            assertThat(files()).isEmpty();
            List<Long> lines = new ArrayList<>();
            sorted.forEachRemaining(r -> lines.add(r.number()));
            assertThat(lines).containsExactly(4L, 2L, 1L, 3L);
        }
    }

    @Test
    void aFailureWhileSortingLeavesNoFilesBehind() {
        List<RowReader.Row> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rows.add(row(i, i == 9 ? "x" : Integer.toString(10 - i)));
        }
        assertThatThrownBy(() -> ExternalSort.sort(rows.iterator(), TIME, work, 2)).isInstanceOf(NumberFormatException.class);
        assertThat(files()).isEmpty();
    }

    private static RowReader.Row row(long line, String t) {
        return new RowReader.Row(line, line + 1, Map.of("t", t), null);
    }

    private List<Path> files() {
        try (Stream<Path> files = Files.list(work)) {
            return files.toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
