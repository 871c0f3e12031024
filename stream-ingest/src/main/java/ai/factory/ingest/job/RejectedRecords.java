package ai.factory.ingest.job;

import java.nio.charset.StandardCharsets;

import ai.factory.records.Rejected;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistryAddress;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes dead letters: key = event id when known (else null), value = {@link Rejected}. */
public final class RejectedRecords implements KafkaRecordSerializationSchema<Rejection> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String rejectedBy;
    private final SchemaRegistryAddress registryAddress;
    private transient AvroCodec<Rejected> codec;

    public RejectedRecords(String topic, String rejectedBy, SchemaRegistryAddress registryAddress) {
        this.topic = topic;
        this.rejectedBy = rejectedBy;
        this.registryAddress = registryAddress;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = AvroCodec.of(Rejected.class, registryAddress.open());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Rejection rejection, KafkaSinkContext context, Long timestamp) {
        byte[] key = rejection.eventId() == null ? null : rejection.eventId().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, key, codec.encode(rejection.toRejected(rejectedBy)));
    }
}
