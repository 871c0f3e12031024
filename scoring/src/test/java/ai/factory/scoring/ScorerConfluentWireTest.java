package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;
import ai.factory.serde.ConfluentSchemaRegistry;
import ai.factory.serde.ConfluentWireFormat;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.RegistryClientInMemory;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A scorer on a factory with a Confluent-compatible registry: it scores feature vectors an outside producer wrote with
 * Apicurio's serializer, and an outside consumer reads its predictions with Apicurio's deserializer. The registry
 * behind the library's client is kept in memory: no registry server can be started on these machines.
 */
@ExtendWith(KafkaExtension.class)
class ScorerConfluentWireTest {

    @Test
    void scoresAnOutsideProducersVectorsAndAnOutsideConsumerReadsThePredictions(TestKafka kafka) {
        RegistryClientInMemory registry = RegistryClientInMemory.create();
        try (KafkaHarness harness = new KafkaHarness(kafka, "confluent", 2, topics -> new ConfluentSchemaRegistry(
                     new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas()),
                     ConfluentWireFormat.through(registry.client(), Map.of())));
             AvroKafkaSerializer<Object> outsideProducer = registry.outsideSerializer();
             AvroKafkaDeserializer<Object> outsideConsumer = registry.outsideDeserializer()) {
            harness.publish(Fixtures.champion(1, 11));
            List<FeatureVector> vectors = Fixtures.vectors("c", 300, 5);
            for (FeatureVector vector : vectors) {
                harness.produceRaw(vector.getEventId(), outsideProducer.serialize(harness.topics().features(), vector));
            }

            try (Scorer scorer = harness.start(harness.options("a"), new SimpleMeterRegistry());
                 var raw = harness.reader(harness.topics().predictions(), record -> record.value());
                 var predictions = harness.reader(harness.topics().predictions(),
                         record -> (Prediction) outsideConsumer.deserialize(record.topic(), record.value()))) {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> predictions.poll().size() >= vectors.size());
                assertThat(predictions.values()).extracting(Prediction::getEventId)
                        .containsExactlyInAnyOrderElementsOf(vectors.stream().map(FeatureVector::getEventId).toList());
                assertThat(predictions.values()).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1L));
                assertThat(raw.values()).allSatisfy(bytes -> assertThat(bytes[0]).isEqualTo(ConfluentWireFormat.MAGIC));
                assertThat(scorer.isRunning()).isTrue();
            }
            assertThat(registry.registrations()).extracting(RegistryClientInMemory.Registration::artifactId)
                    .contains(harness.topics().features() + "-value", "ai.factory.records.Prediction");
        }
    }
}
