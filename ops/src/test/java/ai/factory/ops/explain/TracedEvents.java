package ai.factory.ops.explain;

import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.OpsOptions;
import ai.factory.ops.OpsServer;
import ai.factory.records.Contribution;
import ai.factory.records.Event;
import ai.factory.records.Explanation;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.records.Prediction;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the records of every topic for a few events, as a replay makes them: events, feedback and examples stamped
 * with the data's clock (2001), features and predictions with the wall clock.
 * <ul>
 *   <li>{@value #REPLAYED}: a replayed event, predicted by flights v2 with an explanation, labelled, its example written;</li>
 *   <li>{@value #LIVE}: a live event (its time is now), predicted without an explanation, no label yet;</li>
 *   <li>{@value #NEIGHBOUR}: an event whose id holds the first one's, fully processed, to be told apart;</li>
 *   <li>flights v1 (parent of v2) and v2 on the models topic.</li>
 * </ul>
 */
public final class TracedEvents {

    public static final String REPLAYED = "flight-7";
    public static final String LIVE = "flight-live";
    public static final String NEIGHBOUR = "flight-77";
    public static final Instant DATA_TIME = Instant.parse("2001-03-01T10:00:00Z");
    public static final Instant V2_THROUGH = DATA_TIME.minusSeconds(3_600);
    /** v2's earliest event time trained on; v1 is written as a trainer that did not record one would. */
    public static final Instant V2_FROM = V2_THROUGH.minusSeconds(6 * 3_600);

    private TracedEvents() {
    }

    /** Creates the topics of {@code topics} (3 partitions each, kept forever) and writes the records; returns the wall clock of the replay. */
    public static Instant write(String bootstrap, Topics topics) throws Exception {
        Instant wall = Instant.now().minusSeconds(120);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             SchemaRegistry registry = new KafkaSchemaRegistry(bootstrap, topics.schemas());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            // Unlimited retention, as for any replay: Kafka deletes 2001's records within minutes otherwise.
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 3, null));
            Writer out = new Writer(producer, registry);
            out.send(topics.models(), "flights/1", DATA_TIME, release(1, null, null, V2_THROUGH.minusSeconds(86_400), 0, 9, topics));
            out.send(topics.models(), "flights/2", DATA_TIME, release(2, 1L, V2_FROM, V2_THROUGH, 10, 41, topics));
            List<LabeledExample> examples = new java.util.ArrayList<>();
            for (String id : List.of(REPLAYED, NEIGHBOUR)) {
                Instant at = id.equals(REPLAYED) ? DATA_TIME : DATA_TIME.plusSeconds(5);
                FeatureVector features = features(id, at, wall);
                out.send(topics.events(), id, at, event(id, at));
                out.send(topics.features(), id, wall, features);
                out.send(topics.predictions(), id, wall.plusSeconds(1), prediction(id, at, wall.plusSeconds(1),
                        id.equals(REPLAYED) ? 0.8 : 0.1, id.equals(REPLAYED)));
                Instant labelled = at.plusSeconds(1_800);
                out.send(topics.feedback(), id, labelled, Feedback.newBuilder().setEventId(id).setLabel(1.0)
                        .setFeedbackTime(labelled).setSource("airline").build());
                examples.add(0, example(id, features, labelled, wall));
            }
            // Two examples of 1999 first: the time index then points at a commit marker stamped now (see writeExamples).
            Instant old = DATA_TIME.minusSeconds(2 * 365 * 86_400L);
            examples.add(0, example("flight-1999-b", features("flight-1999-b", old, wall), old, wall));
            examples.add(0, example("flight-1999-a", features("flight-1999-a", old, wall), old, wall));
            writeExamples(bootstrap, registry, topics.examples(), examples);
            Instant now = Instant.now();
            out.send(topics.events(), LIVE, now, event(LIVE, now));
            out.send(topics.features(), LIVE, now, features(LIVE, now, now));
            out.send(topics.predictions(), LIVE, now, prediction(LIVE, now, now, 0.3, false));
            producer.flush();
        }
        return wall;
    }

    /**
     * The examples as the feedback app writes them, exactly once: one transaction each, all in partition 0, stamped with
     * their label time. The broker stamps each commit marker with the wall clock, which misleads the time index of a
     * topic whose records carry 2001's times.
     */
    private static void writeExamples(String bootstrap, SchemaRegistry registry, String topic, List<LabeledExample> examples)
            throws Exception {
        AvroCodec<LabeledExample> codec = AvroCodec.of(LabeledExample.class, registry);
        try (KafkaProducer<String, byte[]> tx = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "transactional.id", "traced-events-" + topic), new StringSerializer(), new ByteArraySerializer())) {
            tx.initTransactions();
            for (LabeledExample example : examples) {
                tx.beginTransaction();
                tx.send(new ProducerRecord<>(topic, 0, example.getLabelTime().toEpochMilli(), example.getEventId().toString(),
                        codec.encode(example)));
                tx.commitTransaction();
            }
        }
    }

    private static LabeledExample example(String id, FeatureVector features, Instant labelled, Instant wall) {
        return LabeledExample.newBuilder().setEventId(id).setFeatures(features).setLabel(1.0).setLabelTime(labelled)
                .setLabelSource("feedback").setServedScore(0.8).setModelName("flights").setModelVersion(2L)
                .setJoinedAt(wall.plusSeconds(2)).build();
    }

    /** An ops server on {@code topics}, started once its models view holds both releases. */
    public static OpsServer opsServer(String bootstrap, Topics topics) {
        OpsOptions options = OpsOptions.defaults(KafkaConnection.of(bootstrap)).withPrefix(topics.prefix())
                .withHttp("127.0.0.1", 0).withSampling(Duration.ofMillis(300), 3);
        OpsServer server = new OpsServer(options).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.service().models().book().size() == 2);
        return server;
    }

    private record Writer(KafkaProducer<String, byte[]> producer, SchemaRegistry registry) {
        @SuppressWarnings("unchecked")
        <T extends SpecificRecord> void send(String topic, String key, Instant timestamp, T record) throws Exception {
            AvroCodec<T> codec = AvroCodec.of((Class<T>) record.getClass(), registry);
            producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, codec.encode(record)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static Event event(String id, Instant at) {
        Map<String, Object> attributes = new java.util.HashMap<>();
        attributes.put("carrier", "AA");
        attributes.put("distance", 1200L);
        attributes.put("night", true);
        attributes.put("gate", null);
        return Event.newBuilder().setId(id).setEventTime(at).setEntity("AA").setAttributes(attributes).build();
    }

    private static FeatureVector features(String id, Instant at, Instant prepared) {
        return FeatureVector.newBuilder().setEventId(id).setEventTime(at).setEntity("AA").setDense(List.of(0.5f, -1f))
                .setSparse(List.of(3, 9)).setSparseBuckets(16).setSpecName("flights").setSpecVersion(1).setLate(false)
                .setPreparedAt(prepared).build();
    }

    private static Prediction prediction(String id, Instant at, Instant served, double score, boolean explained) {
        Explanation explanation = explained ? Explanation.newBuilder().setMethod("exact").setUnits("logit")
                .setOutput(1.386).setBaseline(-0.2)
                .setTop(List.of(new Contribution("distance", 1.1), new Contribution("carrier", 0.386)))
                .setRest(0.1).build() : null;
        return Prediction.newBuilder().setEventId(id).setEventTime(at).setScore(score).setModelName("flights")
                .setModelVersion(2).setSpecVersion(1).setServedAt(served).setExplanation(explanation).build();
    }

    private static ModelRelease release(long version, Long parent, Instant since, Instant through, long from, long to,
                                        Topics topics) {
        return ModelRelease.newBuilder().setModelName("flights").setVersion(version).setParentVersion(parent)
                .setStatus(ReleaseStatus.CHAMPION).setStatusBy(ReleaseActor.TRAINER).setStatusReason("gate passed")
                .setModelKind("logistic").setOnnx(ByteBuffer.wrap(new byte[] {8, 1})).setSpecName("flights")
                .setSpecVersion(1).setDenseSize(2).setSparseBuckets(16).setCreatedAt(through.plusSeconds(60))
                .setExamplesTrained(to + 1).setTrainedFromEventTime(since).setTrainedThroughEventTime(through)
                .setTrainingData(List.of(new OffsetRange(topics.examples(), 0, from, to)))
                .setMetrics(Map.of()).setProvenance(Map.of("device", "cpu")).build();
    }
}
