package ai.factory.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Flink schemas travel inside a job graph (Java serialization) and open their registry on the task. */
@ExtendWith(KafkaExtension.class)
class FlinkAvroSchemasTest {

    @Test
    void schemasSurviveJavaSerializationAndRoundTripThroughTheKafkaRegistry(TestKafka kafka) throws Exception {
        SchemaRegistryAddress registry = SchemaRegistryAddress.kafka(kafka.bootstrapServers(),
                TestKafka.uniquePrefix("flink") + "schemas");
        var serializer = shipped(new FlinkAvroSerializationSchema<>(FeatureVector.class, registry));
        var deserializer = shipped(new FlinkAvroDeserializationSchema<>(FeatureVector.class, registry, "features"));
        serializer.open(null);
        deserializer.open(null);

        byte[] bytes = serializer.serialize(SampleRecords.features());

        assertThat(deserializer.deserialize(bytes)).isEqualTo(SampleRecords.features());
        assertThat(deserializer.getProducedType()).as("Avro, not Kryo, inside Flink")
                .isInstanceOf(org.apache.flink.formats.avro.typeutils.AvroTypeInfo.class);
        assertThatThrownBy(() -> deserializer.deserialize(new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(UndecodableRecordException.class, e -> assertThat(e.topic()).isEqualTo("features"));
    }

    @SuppressWarnings("unchecked")
    private static <T> T shipped(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
