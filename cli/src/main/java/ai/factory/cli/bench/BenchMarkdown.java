package ai.factory.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;

/** {@code docs/benchmarks.md} from a saved run: nothing but the run goes in, so a saved JSON regenerates it exactly. */
public final class BenchMarkdown {

    private BenchMarkdown() {
    }

    public static String render(BenchRun run) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Generated from the JSON of one run (`factory bench report FILE.json` regenerates this page); do not edit by hand.\n");
        md.append("Each figure is compared with a baseline measured in the same run on the same broker, so ratios mean more than\n");
        md.append("absolute numbers, which depend on the machine and on whatever else ran on it.\n\n");
        md.append("- Command: `").append(run.command()).append("`\n");
        md.append("- Date: ").append(run.date()).append('\n');
        md.append("- Machine: ").append(machine(run.machine())).append('\n');
        md.append("- Wall time: ").append(seconds(run.wallSeconds())).append('\n');

        List<String[]> targets = new ArrayList<>();
        for (BenchRun.Part part : run.parts()) {
            for (Figure f : part.result().figures()) {
                if (f.target() != null) {
                    targets.add(new String[] {part.result().name(), f.name(), ratioOrValue(f), f.target().toString(), met(f)});
                }
            }
        }
        if (!targets.isEmpty()) {
            md.append("\n## Targets\n\n");
            table(md, new String[] {"Bench", "Figure", "Measured", "Target", "Met"}, "---|---|--:|---|---", targets);
        }

        for (BenchRun.Part part : run.parts()) {
            BenchResult r = part.result();
            md.append("\n## ").append(r.name()).append("\n\n").append(cell(sentence(r.about()))).append(".\n\n");
            List<String> settings = new ArrayList<>();
            r.settings().forEach((k, v) -> settings.add(k + " " + v));
            if (!settings.isEmpty()) {
                md.append("Settings: ").append(cell(String.join(", ", settings))).append(". ");
            }
            md.append("Took ").append(seconds(part.wallSeconds())).append(".\n\n");
            List<String[]> rows = new ArrayList<>();
            for (Figure f : r.figures()) {
                rows.add(new String[] {f.name(), withUnit(f.value(), f.unit()),
                    f.baseline() == null ? "" : f.baseline(),
                    f.baselineValue() == null ? "" : withUnit(f.baselineValue(), f.unit()),
                    f.ratio() == null ? "" : ratio(f.ratio()),
                    f.target() == null ? "" : f.target() + " (" + met(f) + ")"});
            }
            table(md, new String[] {"Figure", "Value", "Baseline", "Baseline value", "Ratio", "Target"}, "---|--:|---|--:|--:|---", rows);
            if (!r.notes().isEmpty()) {
                md.append('\n');
                for (String note : r.notes()) {
                    md.append("- ").append(note).append('\n');
                }
            }
        }
        return md.toString();
    }

    private static void table(StringBuilder md, String[] header, String alignment, List<String[]> rows) {
        md.append("| ").append(String.join(" | ", header)).append(" |\n");
        md.append("|").append(alignment).append("|\n");
        for (String[] row : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : row) {
                cells.add(cell(c));
            }
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
    }

    private static String machine(BenchRun.Machine m) {
        StringBuilder s = new StringBuilder().append(m.cores()).append(m.cores() == 1 ? " core" : " cores");
        if (m.cpu() != null) {
            s.append(" (").append(m.cpu()).append(')');
        }
        if (m.memoryBytes() > 0) {
            s.append(String.format(Locale.ROOT, ", %.1f GiB memory", m.memoryBytes() / (double) (1L << 30)));
        }
        s.append(", ").append(m.os()).append(", ").append(m.jvm());
        if (Double.isFinite(m.loadAverage())) {
            s.append(String.format(Locale.ROOT, "; load average %.2f when the run started", m.loadAverage()));
        }
        return s.toString();
    }

    private static String met(Figure f) {
        Boolean met = f.targetMet();
        return met == null ? "not measured" : met ? "met" : "missed";
    }

    private static String ratioOrValue(Figure f) {
        if (f.baseline() != null) {
            return f.ratio() == null ? "" : ratio(f.ratio()) + " of " + f.baseline();
        }
        return withUnit(f.value(), f.unit());
    }

    private static String ratio(double r) {
        return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "-";
    }

    private static String withUnit(double x, String unit) {
        return Double.isFinite(x) ? BenchResult.number(x) + " " + unit : "-";
    }

    private static String seconds(double s) {
        return Double.isFinite(s) ? String.format(Locale.ROOT, "%.0f s", s) : "-";
    }

    private static String sentence(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Table cells may not hold a pipe or a line break. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
