package ai.factory.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.replay.RowReader;

/**
 * The first rows of a data file, read the way the replay reads them, with a profile of every column. Bounded by
 * the sample size, so a file of any length is sampled in the same memory.
 *
 * @param rows     the readable rows, in file order, with their line numbers
 * @param columns  a profile per column, in the order the columns first appear
 * @param badLines lines that could not be read, with the reason (at most a few are kept)
 */
public record DataSample(Path file, List<RowReader.Row> rows, Map<String, ColumnProfile> columns, List<String> badLines,
                         long badLineCount) {

    private static final int BAD_LINES_KEPT = 5;

    /** Reads at most {@code maxRows} rows of {@code file}. */
    public static DataSample read(Path file, int maxRows) throws IOException {
        List<RowReader.Row> rows = new ArrayList<>();
        Map<String, ColumnProfile> columns = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        long badCount = 0;
        try (RowReader reader = RowReader.open(file)) {
            for (String column : reader.header()) {
                columns.put(column, new ColumnProfile(column));
            }
            while (reader.hasNext() && rows.size() < maxRows) {
                RowReader.Row row = reader.next();
                if (!row.ok()) {
                    badCount++;
                    if (bad.size() < BAD_LINES_KEPT) {
                        bad.add("line " + row.lineNumber() + ": " + row.error());
                    }
                    continue;
                }
                rows.add(row);
                row.values().keySet().forEach(c -> columns.computeIfAbsent(c, ColumnProfile::new));
            }
        }
        // JSON rows need not all carry every field: profile every column over every row, absent = missing.
        for (RowReader.Row row : rows) {
            for (ColumnProfile column : columns.values()) {
                column.add(row.values().get(column.name()));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " has no readable rows"
                    + (bad.isEmpty() ? "" : " (" + bad.get(0) + ")"));
        }
        return new DataSample(file, List.copyOf(rows), columns, List.copyOf(bad), badCount);
    }

    public ColumnProfile column(String name) {
        ColumnProfile c = columns.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no column '" + name + "' in " + file.getFileName()
                    + " (columns: " + String.join(", ", columns.keySet()) + ")");
        }
        return c;
    }
}
