package ai.factory.ingest.job;

import ai.factory.ingest.features.FeatureLayout;
import ai.factory.ingest.features.StatelessFeaturizer;
import ai.factory.ingest.validation.EventValidator;
import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.SchemaRegistryAddress;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Kafka source's deserializer: takes each record as raw bytes with its topic, partition and offset
 * and hands it to {@link RecordIntake}, so unreadable bytes become dead letters instead of a failed job.
 */
public final class KafkaRecordIntake implements KafkaRecordDeserializationSchema<Incoming> {

    private static final long serialVersionUID = 1L;

    /** Which topic this source reads. */
    public enum Kind { EVENTS, FEEDBACK }

    private final Kind kind;
    private final FeatureLayout layout;
    private final SchemaRegistryAddress registryAddress;
    private transient SchemaRegistry registry;
    private transient RecordIntake intake;
    /** The source thread's meter (it decodes and validates); none when opened without a context. */
    private transient ai.factory.metrics.CpuMeter cost;

    public KafkaRecordIntake(Kind kind, FeatureLayout layout, SchemaRegistryAddress registryAddress) {
        this.kind = kind;
        this.layout = layout;
        this.registryAddress = registryAddress;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        registry = registryAddress.open();
        intake = new RecordIntake(AvroCodec.of(Event.class, registry), AvroCodec.of(Feedback.class, registry),
                new EventValidator(layout.spec()), new StatelessFeaturizer(layout));
        cost = context == null ? null : IngestMetrics.cost(context.getMetricGroup());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Incoming> out) {
        if (intake == null) {
            open(null);
        }
        if (cost != null) {
            cost.tick();
        }
        RecordSource source = new RecordSource(record.topic(), record.partition(), record.offset());
        long now = System.currentTimeMillis();
        out.collect(kind == Kind.EVENTS ? intake.event(source, record.key(), record.value(), now)
                : intake.feedback(source, record.key(), record.value(), now));
    }

    @Override
    public TypeInformation<Incoming> getProducedType() {
        return TypeInformation.of(Incoming.class);
    }
}
