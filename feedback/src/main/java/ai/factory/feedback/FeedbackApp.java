package ai.factory.feedback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import ai.factory.options.CommandLines;
import ai.factory.records.Rejected;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.TopicSpec;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
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
    private final StreamThreadFailures failures;
    private final CountDownLatch ended;

    private FeedbackApp(KafkaStreams streams, SchemaRegistry registry, boolean ownsRegistry,
                        StreamThreadFailures failures, CountDownLatch ended) {
        this.streams = streams;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.failures = failures;
        this.ended = ended;
    }

    /** Starts the app with the schema registry kept in the cluster's {@code <prefix>schemas} topic. */
    public static FeedbackApp start(FeedbackOptions options, MeterRegistry meters) {
        SchemaRegistry registry = SchemaRegistryAddress.kafka(options.connection(), options.topics().schemas()).open();
        try {
            return start(options, registry, meters, true, ReplacementBudget.standard());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Starts the app with a schema registry owned by the caller. */
    public static FeedbackApp start(FeedbackOptions options, SchemaRegistry registry, MeterRegistry meters) {
        return start(options, registry, meters, false, ReplacementBudget.standard());
    }

    /** As {@link #start(FeedbackOptions, SchemaRegistry, MeterRegistry)}, with its own budget of thread replacements. */
    static FeedbackApp start(FeedbackOptions options, SchemaRegistry registry, MeterRegistry meters,
                             ReplacementBudget replacements) {
        return start(options, registry, meters, false, replacements);
    }

    private static FeedbackApp start(FeedbackOptions options, SchemaRegistry registry, MeterRegistry meters, boolean owns,
                                     ReplacementBudget replacements) {
        if (options.createTopics()) {
            ensureTopics(options);
        }
        FeedbackMetrics metrics = new FeedbackMetrics(meters);
        KafkaStreams streams = new KafkaStreams(FeedbackTopology.build(options, registry, metrics),
                FeedbackTopology.streamsConfig(options));
        StreamThreadFailures failures = new StreamThreadFailures(replacements);
        streams.setUncaughtExceptionHandler(failures);
        CountDownLatch ended = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                ended.countDown();
            }
        });
        streams.start();
        log.info("Feedback app {} started on {} (topics prefix '{}', window {}, policies {})", options.applicationId(),
                options.connection(), options.topicPrefix(), options.join().window(), options.join().policies());
        return new FeedbackApp(streams, registry, owns, failures, ended);
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

    /**
     * Waits until the app stops: by {@link #close()} (empty), or by itself because a stream thread kept failing after
     * its replacements (the reason, one line).
     */
    public Optional<String> awaitStop() throws InterruptedException {
        ended.await();
        if (streams.state() == KafkaStreams.State.ERROR) {
            return Optional.of(failures.stopReason().orElse("the Kafka Streams client stopped in state ERROR"));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        failures.closing();
        streams.close(CLOSE_TIMEOUT);
        ended.countDown();
        if (ownsRegistry) {
            registry.close();
        }
    }

    /** Runs the app until the process is stopped; see {@link FeedbackCommand} for the options. */
    public static void main(String[] args) {
        System.exit(CommandLines.standard(new FeedbackCommand()).execute(args));
    }
}
