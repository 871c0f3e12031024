package ai.factory.feedback;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import ai.factory.feedback.quality.Outcome;
import ai.factory.feedback.quality.OutcomeSerde;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.feedback.shadow.PairedLosses;
import ai.factory.feedback.shadow.PairedLossesSerde;
import ai.factory.feedback.shadow.PairedOutcome;
import ai.factory.feedback.shadow.PairedOutcomeSerde;
import ai.factory.feedback.shadow.ShadowPrediction;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.PairedQuality;
import ai.factory.records.Prediction;
import ai.factory.records.QualityReport;
import ai.factory.records.Rejected;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The feedback application's topology: the four co-partitioned inputs (features, served and shadow predictions,
 * feedback) meet in the {@link JoinProcessor}; its examples, late feedback and dead letters go to their topics, its
 * outcomes are re-keyed by model version into the {@link QualityProcessor}, which writes the quality topic, and its
 * paired outcomes (served and shadow score of one event, one label) are re-keyed by version pair and tallied into
 * {@code quality.paired}.
 */
public final class FeedbackTopology {

    /** Name of the internal topic that carries outcomes keyed by model version. */
    public static final String OUTCOMES = "outcomes";
    /** Name of the internal topic that carries paired outcomes keyed by version pair. */
    public static final String PAIRED_OUTCOMES = "paired-outcomes";
    /** The store of the running paired tallies. */
    public static final String PAIRED_STORE = "feedback-paired";

    private FeedbackTopology() {
    }

    /** Builds the topology; {@code registry} resolves and publishes the Avro schemas. */
    public static Topology build(FeedbackOptions options, SchemaRegistry registry, FeedbackMetrics metrics) {
        Topics topics = options.topics();
        StreamsBuilder builder = new StreamsBuilder();
        Serde<String> keys = Serdes.String();
        EventTimeExtractor eventTime = new EventTimeExtractor(options.join().timeBounds());

        KStream<String, Object> features = builder.stream(topics.features(),
                input(FeatureVector.class, InputLimits.UNBOUNDED, registry, eventTime).withName("features"));
        KStream<String, Object> predictions = builder.stream(topics.predictions(),
                input(Prediction.class, InputLimits.UNBOUNDED, registry, eventTime).withName("predictions"));
        // Challengers' predictions, typed apart from served ones so the join pairs them and never makes examples of them.
        KStream<String, Object> shadow = builder.stream(topics.predictionsShadow(),
                        input(Prediction.class, InputLimits.UNBOUNDED, registry, eventTime).withName("predictions-shadow"))
                .mapValues(v -> v instanceof Prediction p ? (Object) new ShadowPrediction(p) : v, Named.as("shadow-typed"));
        KStream<String, Object> feedback = builder.stream(topics.feedback(),
                input(Feedback.class, InputLimits.MAX_LABEL_BYTES, registry, eventTime).withName("feedback"));

        KStream<String, Object> joined = features
                .merge(predictions, Named.as("served"))
                .merge(shadow, Named.as("served-and-shadow"))
                .merge(feedback, Named.as("served-and-feedback"))
                .process(joinSupplier(options, registry, metrics), Named.as("join"));

        JoinSettings join = options.join();
        Duration lateness = join.window().plus(join.grace());
        joined.split(Named.as("join-"))
                .branch((k, v) -> v instanceof LabeledExample, Branched.withConsumer(s -> s
                        .mapValues(v -> (LabeledExample) v, Named.as("examples-out"))
                        .to(topics.examples(), Produced.with(keys, AvroSerde.of(LabeledExample.class, registry))
                                .withName("examples")), "examples"))
                .branch((k, v) -> v instanceof Feedback, Branched.withConsumer(s -> s
                        .mapValues(v -> (Feedback) v, Named.as("late-out"))
                        .to(topics.feedbackLate(), Produced.with(keys, AvroSerde.of(Feedback.class, registry))
                                .withName("feedback-late")), "late"))
                .branch((k, v) -> v instanceof Rejected, Branched.withConsumer(s -> s
                        .mapValues(v -> (Rejected) v, Named.as("rejected-out"))
                        .to(options.deadLetterTopicName(), Produced.with(keys, AvroSerde.of(Rejected.class, registry))
                                .withName("dead-letters")), "rejected"))
                .branch((k, v) -> v instanceof Outcome, Branched.withConsumer(s -> s
                        .mapValues(v -> (Outcome) v, Named.as("outcomes-out"))
                        .repartition(Repartitioned.with(keys, new OutcomeSerde().serde()).withName(OUTCOMES))
                        .process(qualitySupplier(options, lateness, metrics), Named.as("quality"))
                        .to(topics.quality(), Produced.with(keys, AvroSerde.of(QualityReport.class, registry))
                                .withName("quality-reports")), "outcomes"))
                .branch((k, v) -> v instanceof PairedOutcome, Branched.withConsumer(s -> pairedQuality(s
                        .mapValues(v -> (PairedOutcome) v, Named.as("paired-out")), options, registry), "paired"))
                .noDefaultBranch();
        return builder.build();
    }

    /**
     * Tallies the paired losses of each (model, challenger, champion) since the pair was first seen and writes the
     * tally to {@code quality.paired}. The table's cache sends the newest tally of each pair once per commit, not one
     * record per event.
     */
    private static void pairedQuality(KStream<String, PairedOutcome> paired, FeedbackOptions options,
                                      SchemaRegistry registry) {
        Serde<String> keys = Serdes.String();
        Serde<PairedOutcome> outcomes = new PairedOutcomeSerde().serde();
        QualityTasks tasks = options.quality().tasks();
        paired.repartition(Repartitioned.with(keys, outcomes).withName(PAIRED_OUTCOMES))
                .groupByKey(Grouped.with(keys, outcomes).withName("paired-by-versions"))
                .aggregate(PairedLosses::empty, (key, outcome, tally) -> tally.add(outcome, tasks.of(outcome.modelName())),
                        Named.as("paired-losses"),
                        Materialized.<String, PairedLosses>as(store(options, PAIRED_STORE))
                                .withKeySerde(keys).withValueSerde(new PairedLossesSerde().serde()).withCachingEnabled())
                .toStream(Named.as("paired-tallies"))
                .mapValues(PairedLosses::report, Named.as("paired-reports"))
                .to(options.topics().qualityPaired(), Produced.with(keys, AvroSerde.of(PairedQuality.class, registry))
                        .withName("quality-paired"));
    }

    /**
     * Streams settings for {@code options}: the connection's client settings (Streams hands them on to its internal
     * consumers, producers and admin), then exactly-once v2, the state folder, threads and commit interval, which the
     * options decide whatever the settings file says.
     */
    public static Properties streamsConfig(FeedbackOptions options) {
        Map<String, Object> own = new HashMap<>();
        own.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
        own.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        own.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toAbsolutePath().toString());
        own.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.threads());
        own.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitInterval().toMillis());
        // Helps Streams interleave the inputs in event-time order, but guarantees nothing: an input the consumer has
        // not fetched lately looks caught up, and after this wait Streams goes on without it (see JoinClock).
        own.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 100L);
        own.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        Properties props = new Properties();
        props.putAll(options.connection().clientConfig(own));
        return props;
    }

    private static <T extends SpecificRecord> Consumed<String, Object> input(Class<T> type, int maxBytes,
                                                                          SchemaRegistry registry,
                                                                          EventTimeExtractor eventTime) {
        Serde<Object> values = Serdes.serdeFrom(
                (topic, value) -> {
                    throw new UnsupportedOperationException("input values are only read");
                },
                new LenientDeserializer<>(AvroCodec.of(type, registry), maxBytes));
        return Consumed.with(Serdes.String(), values).withTimestampExtractor(eventTime);
    }

    private static ProcessorSupplier<String, Object, String, Object> joinSupplier(
            FeedbackOptions options, SchemaRegistry registry, FeedbackMetrics metrics) {
        JoinStateSerde stateSerde = new JoinStateSerde(registry);
        StoreBuilder<?> joins = Stores.keyValueStoreBuilder(store(options, JoinProcessor.JOIN_STORE), Serdes.String(), stateSerde.serde())
                .withCachingEnabled();
        StoreBuilder<?> due = Stores.keyValueStoreBuilder(store(options, JoinProcessor.DUE_STORE), Serdes.String(), Serdes.String())
                .withCachingEnabled();
        StoreBuilder<?> clock = Stores.keyValueStoreBuilder(store(options, JoinClock.STORE), Serdes.String(), Serdes.Long())
                .withCachingEnabled();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Object, String, Object> get() {
                return new JoinProcessor(options.join(), options.quality().tasks(), options.topics().feedback(),
                        options.punctuateEvery(), options.applicationId(), metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(joins, due, clock);
            }
        };
    }

    private static ProcessorSupplier<String, Outcome, String, QualityReport> qualitySupplier(
            FeedbackOptions options, Duration lateness, FeedbackMetrics metrics) {
        Set<StoreBuilder<?>> stores = qualityStores(options);
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Outcome, String, QualityReport> get() {
                return new QualityProcessor(options.quality(), options.punctuateEvery(), lateness, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return stores;
            }
        };
    }

    /** The {@link QualityProcessor}'s stores: version headers, panes, and the index of versions with windows due. */
    static Set<StoreBuilder<?>> qualityStores(FeedbackOptions options) {
        return Set.of(
                Stores.keyValueStoreBuilder(store(options, QualityProcessor.STORE), Serdes.String(), Serdes.ByteArray())
                        .withCachingEnabled(),
                Stores.keyValueStoreBuilder(store(options, QualityProcessor.PANES_STORE), Serdes.String(),
                        Serdes.ByteArray()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(store(options, QualityProcessor.DUE_STORE), Serdes.String(), Serdes.String())
                        .withCachingEnabled());
    }

    private static KeyValueBytesStoreSupplier store(FeedbackOptions options, String name) {
        return options.inMemoryState() ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
