package ai.factory.ingest.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import ai.factory.ingest.features.PartialVector;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.records.FeatureVector;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistryAddress;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes finished vectors to the features topic: key = event id, value = {@link FeatureVector} in Avro
 * single-object encoding. Counts what it writes and exposes the spec version as a gauge.
 */
public final class FeatureVectorRecords implements KafkaRecordSerializationSchema<PartialVector> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final FeatureSpec spec;
    private final SchemaRegistryAddress registryAddress;
    private transient AvroCodec<FeatureVector> codec;
    private transient org.apache.flink.metrics.Counter eventsOut;
    private transient ai.factory.metrics.CpuMeter cost;

    public FeatureVectorRecords(String topic, FeatureSpec spec, SchemaRegistryAddress registryAddress) {
        this.topic = topic;
        this.spec = spec;
        this.registryAddress = registryAddress;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = AvroCodec.of(FeatureVector.class, registryAddress.open());
        var metrics = IngestMetrics.group(context.getMetricGroup());
        eventsOut = metrics.counter(IngestMetrics.EVENTS_OUT);
        cost = IngestMetrics.cost(context.getMetricGroup());
        int version = spec.version();
        metrics.gauge(IngestMetrics.SPEC_VERSION, () -> version);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(PartialVector vector, KafkaSinkContext context, Long timestamp) {
        byte[] value = codec.encode(vector.toFeatureVector(spec, Instant.now()));
        eventsOut.inc();
        cost.tick();
        // No explicit record timestamp: event times of a replay can be years old and would fall out of retention.
        return new ProducerRecord<>(topic, vector.id().getBytes(StandardCharsets.UTF_8), value);
    }
}
