package ai.factory.feedback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.options.CommandLines;
import ai.factory.records.Rejected;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.TopicSpec;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running feedback application: a Kafka Streams instance of {@link FeedbackTopology} with
 * exactly-once processing. Several instances with the same application id share the work.
 */
public final class FeedbackApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FeedbackApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final SchemaRegistry registry;
    private final boolean ownsRegistry;

    private FeedbackApp(KafkaStreams streams, SchemaRegistry registry, boolean ownsRegistry) {
        this.streams = streams;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
    }

    /** Starts the app with the schema registry kept in the cluster's {@code <prefix>schemas} topic. */
    public static FeedbackApp start(FeedbackOptions options, MeterRegistry meters) {
        SchemaRegistry registry = new KafkaSchemaRegistry(options.connection(), options.topics().schemas());
        try {
            return start(options, registry, meters, true);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Starts the app with a schema registry owned by the caller. */
    public static FeedbackApp start(FeedbackOptions options, SchemaRegistry registry, MeterRegistry meters) {
        return start(options, registry, meters, false);
    }

    private static FeedbackApp start(FeedbackOptions options, SchemaRegistry registry, MeterRegistry meters, boolean owns) {
        if (options.createTopics()) {
            ensureTopics(options);
        }
        FeedbackMetrics metrics = new FeedbackMetrics(meters);
        KafkaStreams streams = new KafkaStreams(FeedbackTopology.build(options, registry, metrics),
                FeedbackTopology.streamsConfig(options));
        streams.setUncaughtExceptionHandler(e -> {
            // Bad input never gets here (it is dead-lettered); keep the app alive and let the thread retry.
            log.error("Stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        log.info("Feedback app {} started on {} (topics prefix '{}', window {}, policies {})", options.applicationId(),
                options.connection(), options.topicPrefix(), options.join().window(), options.join().policies());
        return new FeedbackApp(streams, registry, owns);
    }

    /** Creates the factory's topics and the dead-letter topic where missing. */
    public static void ensureTopics(FeedbackOptions options) {
        List<TopicSpec> specs = new ArrayList<>(TopicCatalog.of(options.topics(), options.partitions()));
        specs.add(new TopicSpec(options.deadLetterTopicName(), options.partitions(), (short) -1,
                Map.of("retention.ms", String.valueOf(Duration.ofDays(30).toMillis())), Rejected.class,
                "feedback-app input that could not be read or failed validation"));
        try (Admin admin = Admin.create(adminConfig(options))) {
            TopicAdmin.ensure(admin, specs).stream()
                    .filter(o -> !o.note().isEmpty())
                    .forEach(o -> log.warn("Topic {} {}", o.topic(), o.note()));
        }
    }

    /** The topic admin's settings: the connection's, under the application id's name. */
    static Map<String, Object> adminConfig(FeedbackOptions options) {
        return options.connection().clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, options.applicationId() + "-admin"));
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        if (ownsRegistry) {
            registry.close();
        }
    }

    /** Runs the app until the process is stopped; see {@link FeedbackCommand} for the options. */
    public static void main(String[] args) {
        System.exit(CommandLines.standard(new FeedbackCommand()).execute(args));
    }
}
