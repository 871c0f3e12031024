package ai.factory.trainer.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.topics.TopicAdmin;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import ai.factory.trainer.model.ModelConfig;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;

/** Trainer options for tests on the embedded broker: the factory's topics created, small batches, fast releases. */
final class TrainerTestOptions {

    private TrainerTestOptions() {
    }

    /** Batches of 50, a release every 300 examples or second judged on the next 100, checkpoints every 300 ms. */
    static TrainerOptions of(TestKafka kafka, Topics topics, String model, ModelConfig config, Path checkpoints) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, TopicCatalog.of(topics, 2));
            // Topic metadata reaches every listener a moment after creation.
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of(topics.schemas(), topics.examples(), topics.models(), topics.qualityPaired()))
                            .allTopicNames().get(5, TimeUnit.SECONDS).size() == 4);
        }
        return TrainerOptions.defaults(KafkaConnection.of(kafka.bootstrapServers()), topics, model, ExampleTopic.SPEC, 1, config)
                .withBatching(50, 300, Duration.ofSeconds(1), 100)
                .withCheckpoints(Duration.ofMillis(300), checkpoints.toUri().toString())
                .withDevice(ai.factory.onnx.Device.CPU, 1);
    }
}
