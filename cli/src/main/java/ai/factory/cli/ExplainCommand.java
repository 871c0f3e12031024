package ai.factory.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import ai.factory.kafka.KafkaConnection;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.ops.explain.EventNotFoundException;
import ai.factory.ops.explain.EventTrace;
import ai.factory.ops.explain.EventView;
import ai.factory.ops.explain.TraceOptions;
import ai.factory.replay.TimeFormat;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.SchemaRegistryAddress;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code factory explain EVENT_ID}: what the topics say about one event, down to the lineage of the release that scored it. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {
            "Prints what the factory knows about one event: the event, its feature vectors, each prediction with the "
                + "model version and, when the scorer ran with --explain, the per-feature contributions, the feedback "
                + "and labeled example if they arrived, and the lineage of each release that scored it (parent, "
                + "examples trained, training data offsets and the event-time range trained since the parent).",
            "Records are not keyed by event id, so this reads the topics: the events topic newest first (or around "
                + "--around), then every other topic where its timestamps lie within --window after the event's time; "
                + "features and predictions, stamped when they were made, also from when the event's example says its "
                + "features were prepared. At most --max-records records are read within --timeout; progress goes to "
                + "standard error when it takes more than a second."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the event was found (a warning on standard error when the search stopped early)",
            "1:a failure, e.g. Kafka did not answer", "2:a bad command line",
            "3:the event was not found (standard error says where the search looked)"})
final class ExplainCommand implements Callable<Integer> {

    /** Exit code when the event is not among the records searched. */
    static final int NOT_FOUND = 3;
    private static final long QUIET_NANOS = 1_000_000_000L;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "EVENT_ID", description = "Id of the event, as the events topic holds it.")
    String eventId;

    @Option(names = "--json", description = "Print the view as JSON (the same document as the dashboard's /api/explain).")
    boolean json;

    @Option(names = "--around", paramLabel = "TIME", converter = TimeConverter.class,
            description = "Look for the event among the records timestamped within --window of TIME (ISO-8601, e.g. "
                    + "2008-01-03T10:00:00Z, or epoch milliseconds; the events topic carries each event's own time), "
                    + "not the newest first.")
    Instant around;

    @Option(names = "--window", defaultValue = TraceOptions.DEFAULT_WINDOW_TEXT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long after the event its feedback, example, features and predictions may have been "
                    + "written; the topics stamped with the data's clock (feedback, examples) are read a window further "
                    + "either side, as examples are stamped out of order (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--max-records", defaultValue = "" + TraceOptions.DEFAULT_MAX_RECORDS, paramLabel = "N",
            description = "Read at most this many records in all (default: ${DEFAULT-VALUE}).")
    long maxRecords;

    @Option(names = "--timeout", defaultValue = "2m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up the search after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (window == null || timeout == null) {
            throw new IllegalArgumentException("--window and --timeout must be durations, not forever");
        }
        TraceOptions options = new TraceOptions(window, maxRecords, around, timeout);
        KafkaConnection connection = kafka.commandConnection();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EventView view;
        ProgressLine line = new ProgressLine(System.err);
        long started = System.nanoTime();
        boolean[] shown = {false};
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(connection, kafka.topics().schemas()).open();
             EventTrace trace = new EventTrace(connection, kafka.topics(), registry)) {
            view = trace.trace(eventId, options, (phase, read, total) -> {
                // A search that ends within a second prints nothing but its answer.
                if (System.nanoTime() - started > QUIET_NANOS) {
                    shown[0] = true;
                    line.update(String.format("%s %s %,d of at most %,d records", phase,
                            ProgressLine.bar(total == 0 ? 1 : (double) read / total, 20), read, total));
                }
            });
        } catch (EventNotFoundException e) {
            finish(line, shown[0]);
            err.println("error: " + e.getMessage() + " (--around TIME, --window, --max-records)");
            err.flush();
            return NOT_FOUND;
        }
        finish(line, shown[0]);
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(view));
        } else {
            out.print(ExplainText.render(view));
        }
        out.flush();
        if (!view.search().complete()) {
            err.println("warning: the search stopped early (" + view.search().stoppedBecause()
                    + "): records about the event may be missing; see --max-records and --timeout");
            err.flush();
        }
        return 0;
    }

    private static void finish(ProgressLine line, boolean shown) {
        if (shown) {
            line.finish("search done");
        }
    }

    /** {@code --around}: ISO-8601 or epoch milliseconds, read as every other time of the factory is. */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            try {
                return TimeFormat.auto(TimeFormat.UTC).parse(text);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("not an ISO-8601 time or epoch milliseconds: '" + text + "'");
            }
        }
    }
}
