package ai.factory.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import ai.factory.kafka.KafkaConnection;
import ai.factory.options.DurationConverter;
import ai.factory.options.KafkaOptions;
import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.replay.Delivery;
import ai.factory.replay.Mapping;
import ai.factory.replay.Replay;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.TopicSpec;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code factory produce}: a CSV, TSV or JSON file into the events and/or feedback topics. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {
            "Writes a CSV, TSV or JSON file to the events and feedback topics.",
            "The file (CSV or TSV with a header line, JSON Lines, or one JSON array of objects, nested JSON flattened "
                + "to columns such as properties.mag; optionally gzipped) becomes events and, for rows with a label, "
                + "feedback at each label's arrival time, as the mapping file says. Bad lines are reported with their "
                + "line number and skipped; the run goes on. A file out of event-time order is an error unless "
                + "--sort sorts it first (in bounded memory) or --max-disorder allows that much.",
            "Every record's delivery is confirmed and counted. Sending pauses while the cluster has answered nothing "
                + "for 10 s; once a record fails (the cluster gone, a topic refused) nothing more is sent, the records in "
                + "flight get 5 s, the rest count as not delivered, and the command exits 1 with one line saying how many "
                + "records were not delivered and why. With the default timeouts (delivery.timeout.ms 30 s, "
                + "request.timeout.ms 10 s, max.block.ms 15 s; a --kafka-config file may change them) that is at most "
                + "60 s after the cluster goes away."})
final class ProduceCommand implements Callable<Integer> {

    enum Target { events, feedback, both }

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "FILE", description = "Data file: .csv, .tsv, .jsonl (or .ndjson), .json, optionally .gz.")
    Path data;

    @Option(names = {"-m", "--mapping"}, required = true, paramLabel = "FILE",
            description = "Mapping file (JSON): id, event_time, entity, attributes, label, and label_time, label_delay or "
                    + "label_delay_minutes. See data/flights.mapping.json.")
    Path mapping;

    @Option(names = "--to", defaultValue = "both", paramLabel = "TOPICS",
            description = "events, feedback or both (default: ${DEFAULT-VALUE}; both needs a label in the mapping).")
    Target to;

    @Option(names = "--speedup", defaultValue = "max", paramLabel = "X",
            description = "Pace by event time, X times faster than real time, or 'max' for as fast as possible (default: ${DEFAULT-VALUE}).")
    String speedup;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "N",
            description = "At most N events per second; 0 for no limit (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Stop after N events; 0 for the whole file (default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(names = "--skip", defaultValue = "0", paramLabel = "N",
            description = "Skip the first N events (and their feedback), e.g. to go on where an earlier run stopped "
                    + "(default: ${DEFAULT-VALUE}).")
    long skip;

    @Option(names = "--sort",
            description = "Sort the rows by event time first (stable; in bounded memory, spilling to the temp folder).")
    boolean sort;

    @Option(names = "--max-disorder", defaultValue = "0s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Without --sort, allow a row this far behind the latest event time before it, e.g. 30s or 5m; "
                    + "'forever' skips the check (default: ${DEFAULT-VALUE}).")
    Duration maxDisorder;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(data)) {
            throw new IllegalArgumentException("cannot read data file " + data);
        }
        Mapping map = Mapping.read(mapping);
        boolean writeFeedback = to != Target.events;
        if (to == Target.both && !map.hasLabel()) {
            writeFeedback = false;
        }
        Replay.Options options = new Replay.Options(data, map, kafka.topics(), to != Target.feedback, writeFeedback,
                parseSpeedup(speedup), rate, limit, sort, Replay.Options.disorder(maxDisorder), null).skipping(skip);
        PrintStream err = System.err;
        ProgressLine line = new ProgressLine(err);
        BadLineReport bad = new BadLineReport(err);
        KafkaConnection connection = kafka.commandConnection();
        createMissingTopics(connection, options, err);
        long started = System.nanoTime();
        Replay.Progress done = null;
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(connection, kafka.topics().schemas()).open()) {
            KafkaProducer<String, byte[]> producer = producer(connection);
            try {
                done = replay(producer, registry, options, line, bad, started);
            } finally {
                // After a failure the replay counted what the cluster had not confirmed as not delivered: abort it
                // rather than deliver it late. Otherwise everything was flushed, or the replay failed itself.
                producer.close(done != null && done.failed() > 0 ? Duration.ZERO : CLOSE_BOUND);
            }
        }
        line.finish(describe(done, started));
        bad.summary();
        Delivery.Totals delivery = done.delivery();
        if (done.failed() > 0) {
            delivery.byTopic().forEach((topic, c) -> {
                if (c.notDelivered() > 0) {
                    err.printf("%s: %,d of %,d records not delivered; first error: %s%n", topic, c.notDelivered(), c.sent(),
                            c.firstError());
                }
            });
            spec.commandLine().getOut().printf("delivered %,d of %,d events and %,d of %,d feedback records to %s, then "
                            + "stopped; %d bad lines skipped%n",
                    count(delivery, kafka.topics().events()).delivered(), count(delivery, kafka.topics().events()).sent(),
                    count(delivery, kafka.topics().feedback()).delivered(), count(delivery, kafka.topics().feedback()).sent(),
                    connection.bootstrapServers(), done.badLines());
            throw new NotDeliveredException(String.format("%,d of %,d records were not delivered to the cluster (%s): %s",
                    delivery.notDelivered(), delivery.sent(), connection.bootstrapServers(), delivery.firstError()),
                    delivery.firstFailure());
        }
        spec.commandLine().getOut().printf("produced %d events and %d feedback records to %s; %d bad lines skipped%n",
                to == Target.feedback ? 0 : done.events(), done.feedback(), connection.bootstrapServers(), done.badLines());
        return 0;
    }

    /**
     * Creates the topics this replay writes to when they do not exist, rather than leave them to the broker's
     * auto-creation: its default retention is by record time, and a replay's records carry the data's times, so the
     * broker would delete a replay of last year's data minutes after writing it.
     */
    private static void createMissingTopics(KafkaConnection connection, Replay.Options options, PrintStream err) {
        Topics topics = options.topics();
        Set<String> targets = new HashSet<>();
        if (options.writeEvents()) {
            targets.add(topics.events());
        }
        if (options.writeFeedback()) {
            targets.add(topics.feedback());
        }
        List<TopicSpec> specs = TopicCatalog.of(topics, TopicCatalog.DEFAULT_PARTITIONS, null).stream()
                .filter(spec -> targets.contains(spec.name())).toList();
        try (Admin admin = Admin.create(connection.clientConfig())) {
            for (TopicAdmin.Outcome created : TopicAdmin.createMissing(admin, specs)) {
                err.printf("created topic %s (%d partitions, kept until deleted: the records carry the data's times)%n",
                        created.topic(), created.partitions());
            }
        }
    }

    /** Records were handed to the producer and the cluster did not confirm them; the cause is the first failure. */
    static final class NotDeliveredException extends RuntimeException {
        NotDeliveredException(String message, Throwable firstFailure) {
            super(message, firstFailure);
        }
    }

    /** How long closing the producer may take after a replay that did not stop on a failed record. */
    private static final Duration CLOSE_BOUND = Duration.ofMillis(KafkaOptions.COMMAND_DELIVERY_TIMEOUT_MS);

    private static Delivery.Count count(Delivery.Totals totals, String topic) {
        return totals.byTopic().getOrDefault(topic, new Delivery.Count(0, 0, 0, null));
    }

    private Replay.Progress replay(KafkaProducer<String, byte[]> producer, SchemaRegistry registry, Replay.Options options,
                                   ProgressLine line, BadLineReport bad, long started) throws java.io.IOException {
        PrintStream err = System.err;
        // Both schemas now, while the cluster answers: a first label far into the file must not wait on the registry.
        if (options.writeEvents()) {
            registry.register(Event.getClassSchema());
        }
        if (options.writeFeedback()) {
            registry.register(Feedback.getClassSchema());
        }
        Replay replay = new Replay(options, AvroCodec.of(Event.class, registry), AvroCodec.of(Feedback.class, registry));
        return replay.run(producer, new Replay.Listener() {
            @Override
            public void progress(Replay.Progress p) {
                line.update(describe(p, started));
            }

            @Override
            public void badLine(long lineNumber, String reason) {
                bad.report(lineNumber, reason);
            }

            @Override
            public void sorted(long rows, int runs) {
                err.printf("sorted %,d rows by event time (%d run%s)%n", rows, runs, runs == 1 ? " in memory" : "s merged");
            }
        });
    }

    static double parseSpeedup(String text) {
        if ("max".equalsIgnoreCase(text)) {
            return 0;
        }
        try {
            double x = Double.parseDouble(text);
            if (!(x > 0) || Double.isInfinite(x)) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--speedup must be a positive number or 'max', was '" + text + "'");
        }
    }

    private static String describe(Replay.Progress p, long startedNanos) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        return String.format("%s %3.0f%%  events %,d (%,.0f/s)  feedback %,d  bad %,d%s  event time %s",
                ProgressLine.bar(p.fractionRead(), 20), p.fractionRead() * 100, p.events(), p.events() / seconds,
                p.feedback(), p.badLines(), p.failed() > 0 ? String.format("  NOT DELIVERED %,d", p.failed()) : "",
                p.eventTime() == null ? "-" : p.eventTime());
    }

    /** The events and feedback producer; the connection's settings (security, timeouts) come first, then its own. */
    static KafkaProducer<String, byte[]> producer(KafkaConnection connection) {
        Map<String, Object> props = connection.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        // Unless the settings file says otherwise: a cluster that is not there fails the command within seconds.
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Prints the first bad lines in full and counts the rest, so a broken file cannot flood the terminal. */
    static final class BadLineReport {
        private static final int SHOWN = 20;
        private final PrintStream err;
        private long count;

        BadLineReport(PrintStream err) {
            this.err = err;
        }

        void report(long lineNumber, String reason) {
            if (++count <= SHOWN) {
                err.println("line " + lineNumber + ": " + reason + " (skipped)");
            }
        }

        void summary() {
            if (count > SHOWN) {
                err.println("... and " + (count - SHOWN) + " more bad lines");
            }
        }
    }
}
