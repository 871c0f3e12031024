package ai.factory.ops.lag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders the lag view as a plain-text table for {@code factory lag}. */
public final class LagTable {

    private static final String[] HEADER = {"GROUP", "TOPIC", "PART", "COMMITTED", "LOG-END", "STABLE", "LAG", "LAG-S",
            "RATE/S", "CATCH-UP", "STATUS", "REASON"};

    private LagTable() {
    }

    /** One line per group (totals), then one per partition when {@code partitions} is set. */
    public static String render(LagSnapshot snapshot, boolean partitions) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (GroupView g : snapshot.groups()) {
            rows.add(new String[] {g.group(), String.join(",", g.topics()), "*", "", "", "", Long.toString(g.lagRecords()),
                    seconds(g.lagSeconds()), rate(g.consumeRate()), seconds(g.catchUpSeconds()), g.status().name(), g.reason()});
            if (partitions) {
                for (PartitionView p : g.partitions()) {
                    rows.add(new String[] {"", p.topic(), Integer.toString(p.partition()), Long.toString(p.committed()),
                            Long.toString(p.logEnd()), Long.toString(p.lastStable()), Long.toString(p.lagRecords()),
                            seconds(p.lagSeconds()), rate(p.consumeRate()), seconds(p.catchUpSeconds()), p.status().name(),
                            p.reason()});
                }
            }
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean last = i == row.length - 1;
                line.append(last ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (snapshot.groups().isEmpty()) {
            out.append("(no consumer groups)\n");
        }
        if (snapshot.error() != null) {
            out.append("last refresh failed: ").append(snapshot.error()).append('\n');
        }
        return out.toString();
    }

    static String seconds(Double value) {
        if (value == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String rate(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
