package ai.factory.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

import ai.factory.options.DurationConverter;
import ai.factory.init.DataSample;
import ai.factory.init.Inference;
import ai.factory.init.StarterFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code factory init}: a mapping and a starter feature spec for someone's own data, inferred from a sample. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {
            "Writes a mapping and a starter feature spec for your data, inferred from a sample of it.",
            "Reads the first rows of a CSV, TSV, JSON Lines or JSON array file (gzipped or not), finds the event time, types every "
                + "column and prints one line per column: its role, what was seen and the features made from it. "
                + "Then `factory demo --data FILE` runs the whole loop on the data with those two files. Every "
                + "choice can be changed by editing them; the rules are in docs/init.md."})
final class InitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "CSV, TSV, JSON Lines or a JSON array file, optionally .gz.")
    Path data;

    @Option(names = "--label", paramLabel = "COLUMN|CONDITION",
            description = "The label: a column (0/1 or a number), or a condition on one, e.g. 'rating>=4' or "
                    + "'damage!=None' (default: a column called label, target, y, outcome or class).")
    String label;

    @Option(names = "--time", paramLabel = "COLUMN", description = "The event-time column (default: the first column that reads as a time in every sampled row, preferring names with time or date).")
    String time;

    @Option(names = "--id", paramLabel = "COLUMN", description = "The event-id column (default: the row number).")
    String id;

    @Option(names = "--entity", paramLabel = "COLUMN",
            description = "The entity that per-entity window and label aggregates are keyed by (default: the categorical column that goes most with the label and repeats at least 5 times per value).")
    String entity;

    @Option(names = "--task", paramLabel = "TASK", description = "binary or regression (default: binary for 0/1 labels and conditions, regression for other numbers).")
    String task;

    @Option(names = "--label-time", paramLabel = "COLUMN", description = "A column holding when each label became known.")
    String labelTime;

    @Option(names = "--label-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Labels become known this long after their event, e.g. 30m or 2h (default: no delay).")
    Duration labelDelay;

    @Option(names = "--exclude", paramLabel = "COLUMN", description = "A column never to use (repeatable), e.g. one known only after the outcome.")
    List<String> exclude;

    @Option(names = "--name", paramLabel = "NAME", description = "Spec and model name (default: from the file name).")
    String name;

    @Option(names = "--zone", defaultValue = "UTC", paramLabel = "ZONE", description = "Time zone of times written without one, and of time features (default: ${DEFAULT-VALUE}).")
    ZoneId zone;

    @Option(names = "--sample", defaultValue = "10000", paramLabel = "N", description = "Rows to read from the start of the file (default: ${DEFAULT-VALUE}).")
    int sampleRows;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write STEM.mapping.json and STEM.spec.json, STEM being the data file's name without its extensions (default: next to the data file, where the demo looks for them).")
    Path out;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(data)) {
            throw new IllegalArgumentException("cannot read data file " + data);
        }
        if (sampleRows < 10) {
            throw new IllegalArgumentException("--sample must be at least 10 rows");
        }
        PrintWriter o = spec.commandLine().getOut();
        StarterFiles files = StarterFiles.of(data, out);
        if (!force) {
            files.refuseToOverwrite();
        }
        DataSample sample = DataSample.read(data, sampleRows);
        Inference.Result result = Inference.infer(sample, new Inference.Choices(label, time, id, entity, task,
                labelTime, labelDelay, exclude, name, zone));
        result.report().forEach(o::println);
        files.write(result);
        o.println();
        o.println("wrote " + files.mapping() + " and " + files.spec());
        o.println("next: look at both files (docs/init.md explains every rule), then run");
        o.println("  ./factory demo --data " + data + (files.nextToData() ? "" : " --mapping " + files.mapping() + " --spec " + files.spec()));
        o.flush();
        return 0;
    }
}
