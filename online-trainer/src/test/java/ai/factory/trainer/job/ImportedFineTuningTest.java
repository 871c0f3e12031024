package ai.factory.trainer.job;

import static ai.factory.trainer.imported.ForeignModels.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.imported.ForeignModels;
import ai.factory.trainer.imported.ModelImport;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.release.ModelCatalog;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer job (Flink MiniCluster, embedded broker) fine-tunes a model written by another tool: imported and
 * promoted, it is the champion the job warm-starts from with {@code --kind imported}; its releases keep the imported
 * graph, train its weights and leave the frozen one exactly as imported.
 */
@ExtendWith(KafkaExtension.class)
class ImportedFineTuningTest {

    private static final float BIAS = 0.3f;

    @TempDir
    Path dir;

    /** sigmoid(dense · w + b), the input named as the trainer names its dense vector, so no mapping is needed. */
    private static byte[] foreign() {
        return new ForeignModels().input("dense", 4)
                .weight("w", new long[] {4, 1}, new float[] {0.01f, -0.01f, 0.02f, 0f}).weight("b", new long[] {1}, new float[] {BIAS})
                .node("Gemm", names("dense", "w", "b"), "z").node("Sigmoid", names("z"), "p").output("p", 1).bytes();
    }

    @Test
    void theTrainerFineTunesAnImportedChampionLeavingItsFrozenWeightAsItWas(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("trainer-imported"));
        ModelConfig spec = ModelConfig.logistic(4, 3, 64);
        OnnxWeights.Loaded imported = ModelImport.read(foreign(), "", spec, Set.of("b"));
        TrainerOptions options = TrainerTestOptions.of(kafka, topics, "m",
                ModelConfig.imported(4, 3, 64).withLearningRate(0.05).withFrozen(Set.of("b")), dir.resolve("checkpoints"));
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            byte[] served = ModelGraphs.inference(imported.config(), imported.params(), Map.of()).toByteArray();
            catalog.importModel("m", served, ExampleTopic.SPEC, 1, "file:foreign.onnx");
            catalog.promote("m", 1, "trained elsewhere");
            assertThat(TrainerJob.resolveImported(options).model().imported()).isEqualTo(imported.config().imported());
            // Frozen at import and not named by the trainer: still frozen.
            TrainerOptions unnamed = options.withModel(options.model().withFrozen(Set.of()));
            assertThat(TrainerJob.resolveImported(unnamed).model().frozen()).isEqualTo(imported.config().frozen());

            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, new SyntheticData(4, 3, 64, 0.5, 21), 900, 2, 0);
            try (TrainerJob.Running job = TrainerJob.start(options)) {
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> catalog.list("m").stream().anyMatch(r -> r.getVersion() >= 2 && r.getExamplesTrained() > 0));
            }
            ModelRelease tuned = catalog.list("m").stream().filter(r -> r.getVersion() >= 2).findFirst().orElseThrow();
            assertThat(tuned.getParentVersion()).isEqualTo(1L);
            assertThat(tuned.getModelKind().toString()).isEqualTo(ModelKind.IMPORTED.label());
            OnnxWeights.Loaded weights = OnnxWeights.read(tuned.getOnnx().array());
            assertThat(weights.config().imported()).isEqualTo(imported.config().imported());
            assertThat(weights.params().get("b").data()).as("frozen").containsExactly(BIAS);
            assertThat(weights.params().get("w").data()).as("fine-tuned").isNotEqualTo(imported.params().get("w").data());
        }
    }
}
