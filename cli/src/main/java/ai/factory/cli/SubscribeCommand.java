package ai.factory.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.factory.kafka.KafkaConnection;
import ai.factory.options.KafkaOptions;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.UndecodableRecordException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code factory subscribe}: follows the prediction stream, filtered, as a table or JSON Lines. */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = {
            "Follows the prediction stream.",
            "Prints each prediction (event id, score, model and version, times), filtered. Reads without a consumer "
                + "group, so it never shows up as lag. Ctrl-C stops it."})
final class SubscribeCommand implements Callable<Integer> {

    enum Format { table, jsonl }

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--model", paramLabel = "NAME", description = "Only predictions of this model.")
    String model;

    @Option(names = "--key", paramLabel = "EVENT_ID", description = "Only predictions for this event id.")
    String key;

    @Option(names = "--min-score", paramLabel = "X", description = "Only predictions scoring at least X.")
    Double minScore;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table or jsonl (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--from", defaultValue = "now", paramLabel = "WHEN",
            description = "now, beginning, or an ISO-8601 instant such as 2001-01-02T00:00:00Z (by record time) (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Stop after printing N predictions; 0 to follow until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(names = "--shadow", description = "Follow the challengers' predictions.shadow topic instead.")
    boolean shadow;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() {
        String topic = shadow ? kafka.topics().predictionsShadow() : kafka.topics().predictions();
        Instant fromTime = parseFrom(from);
        PrintWriter out = spec.commandLine().getOut();
        AtomicBoolean stopping = new AtomicBoolean();
        KafkaConnection connection = kafka.commandConnection();
        Map<String, Object> props = connection.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(connection, kafka.topics().schemas()).open();
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                stopping.set(true);
                consumer.wakeup();
                try {
                    main.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "subscribe-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, registry);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist (run 'factory topics create')");
            }
            consumer.assign(partitions);
            seek(consumer, partitions, fromTime);
            if (format == Format.table) {
                out.printf("%-24s %8s  %-20s %8s  %-20s %-24s%n", "EVENT", "SCORE", "MODEL", "VERSION", "EVENT TIME", "SERVED AT");
            }
            long printed = 0;
            try {
                while (!stopping.get() && (limit == 0 || printed < limit)) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        Prediction p;
                        try {
                            p = codec.decode(record);
                        } catch (UndecodableRecordException e) {
                            System.err.println("skipping " + e.getMessage());
                            continue;
                        }
                        if (matches(p) && (limit == 0 || printed < limit)) {
                            print(out, p);
                            printed++;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException e) {
                // Ctrl-C: leave quietly.
            }
            if (!stopping.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    private boolean matches(Prediction p) {
        return (model == null || model.equals(p.getModelName()))
                && (key == null || key.equals(p.getEventId()))
                && (minScore == null || p.getScore() >= minScore);
    }

    private void print(PrintWriter out, Prediction p) {
        if (format == Format.table) {
            out.printf("%-24s %8.4f  %-20s %8d  %-20s %-24s%n", p.getEventId(), p.getScore(), p.getModelName(),
                    p.getModelVersion(), p.getEventTime(), p.getServedAt());
            return;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event_id", p.getEventId());
        row.put("score", p.getScore());
        row.put("model_name", p.getModelName());
        row.put("model_version", p.getModelVersion());
        row.put("spec_version", p.getSpecVersion());
        row.put("event_time", p.getEventTime().toString());
        row.put("served_at", p.getServedAt().toString());
        try {
            out.println(json.writeValueAsString(row));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static Instant parseFrom(String from) {
        return switch (from) {
            case "now" -> null;
            case "beginning" -> Instant.EPOCH;
            default -> {
                try {
                    yield Instant.parse(from);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--from must be now, beginning or an ISO-8601 instant, was '" + from + "'");
                }
            }
        };
    }

    private static void seek(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, Instant from) {
        if (from == null) {
            consumer.seekToEnd(partitions);
            return;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query, Duration.ofSeconds(15));
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = offsets.get(tp);
            if (at == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, at.offset());
            }
        }
    }
}
