package ai.factory.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ai.factory.flink.RestartPolicy;
import ai.factory.onnx.Device;
import ai.factory.trainer.governance.Governance;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.OptimizerKind;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Command-line values of the trainer job that go into its options, and where its Kafka settings end up. */
class TrainerMainTest {

    private static final String SPEC = "classpath:specs/flights.json";

    private static TrainerOptions options(String... more) {
        List<String> args = new ArrayList<>(List.of("--bootstrap", "k:9092", "--model", "delay", "--spec", SPEC));
        args.addAll(List.of(more));
        return TrainerMain.options(args.toArray(String[]::new));
    }

    @Test
    void theDefaultsAreWrittenOnce() {
        TrainerOptions defaults = options();
        assertThat(defaults.batchSize()).isEqualTo(TrainerOptions.DEFAULT_BATCH_SIZE);
        assertThat(defaults.publishEvery()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.checkpointInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.stepsPerRun()).isEqualTo(1);
        assertThat(defaults.device()).isEqualTo(Device.CPU);
        ModelInput flights = ModelInput.fromSpec(SPEC);
        assertThat(defaults.model()).isEqualTo(ModelConfig.logistic(flights.denseSize(), flights.sparseWidth(), 1 << 18)
                .withSlotFeatures(flights.slotFeatures()));
        assertThat(defaults.specName()).isEqualTo("flights");
        assertThat(defaults.specVersion()).isEqualTo(flights.specVersion());
        assertThat(defaults.groupId()).isEqualTo("online-trainer-delay");
    }

    @Test
    void theSpecMayBeTheJsonItselfAndAnUnreadableOneIsOneLineNamingTheOption() {
        String json = ai.factory.target.ModelTarget.specText(SPEC);
        assertThat(TrainerMain.options("--bootstrap", "k:9092", "--model", "delay", "--spec", json)).isEqualTo(options());
        assertThatThrownBy(() -> TrainerMain.options("--spec", "/no/such/spec.json"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageStartingWith("--spec: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void oneStepPerRunByDefaultAndKWhenAskedFor() {
        TrainerOptions options = options("--steps-per-run", "8", "--batch-size", "256", "--device", "cuda:1",
                "--publish-every", "PT10S", "--checkpoint-interval", "2s");
        assertThat(options.stepsPerRun()).isEqualTo(8);
        assertThat(options.batchSize()).isEqualTo(256);
        assertThat(options.device()).isEqualTo(Device.cuda(1));
        assertThat(options.publishEvery()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theRestartPolicyAndTheRestoreAreTheSharedOnesAndRetainTheCheckpoints() {
        TrainerOptions options = options("--restart-attempts", "3", "--restart-backoff", "2s", "--checkpoint-dir", "file:///c",
                "--restore-from", "file:///c/savepoints/savepoint-1");
        assertThat(options.restarts()).isEqualTo(RestartPolicy.defaults().withAttempts(3)
                .withBackoff(Duration.ofSeconds(2), Duration.ofMinutes(1)));
        assertThat(options.restoreFrom()).isEqualTo("file:///c/savepoints/savepoint-1");
        assertThat(options().restarts()).isEqualTo(RestartPolicy.defaults());
        Configuration conf = TrainerJob.flinkConfiguration(options);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS)).isEqualTo(3);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // A snapshot in the job's own folder is claimed: deleted once newer checkpoints complete, so none pile up.
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo("file:///c/savepoints/savepoint-1");
        assertThat(conf.get(StateRecoveryOptions.RESTORE_MODE)).isEqualTo(RecoveryClaimMode.CLAIM);
        assertThat(TrainerJob.flinkConfiguration(options.withRestoreFrom("file:///elsewhere/chk-4")).get(StateRecoveryOptions.RESTORE_MODE))
                .isEqualTo(RecoveryClaimMode.NO_CLAIM);
    }

    @Test
    void wideDeepTakesTheLogisticRateForItsWidePartAndItsOwnForTheDeepPart() {
        ModelInput flights = ModelInput.fromSpec(SPEC);
        for (String label : List.of("wide-deep", "widedeep", "WIDE_DEEP")) {
            assertThat(options("--kind", label).model()).isEqualTo(ModelConfig.wideDeep(flights.denseSize(), flights.sparseWidth(), 1 << 18)
                    .withSlotFeatures(flights.slotFeatures()));
        }
        ModelConfig mine = options("--kind", "wide-deep", "--learning-rate", "0.02", "--deep-learning-rate", "0.002",
                "--embedding-dim", "4", "--hidden", "32,16").model();
        assertThat(mine.learningRate()).isEqualTo(0.02);
        assertThat(mine.deepLearningRate()).isEqualTo(0.002);
        assertThat(mine.embeddingDim()).isEqualTo(4);
        assertThat(mine.hidden()).containsExactly(32, 16);
        // Adagrad's rate for both parts unless the deep part's is given: Adam's deep rate would be far too small for it.
        assertThat(options("--kind", "wide-deep", "--optimizer", "adagrad").model().deepLearningRate()).isZero();
        assertThat(options("--kind", "wide-deep", "--optimizer", "adagrad", "--deep-learning-rate", "0.05").model().deepLearningRate())
                .isEqualTo(0.05);
        assertThatThrownBy(() -> options("--kind", "deep", "--deep-learning-rate", "0.002"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--kind wide-deep");
        assertThatThrownBy(() -> options("--kind", "wide")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("one of logistic, deep, wide-deep, imported");
    }

    @Test
    void zeroStepsPerRunIsRefused() {
        assertThatThrownBy(() -> options("--steps-per-run", "0")).isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void theDemoProfileSetsItsSettingsAndExplicitOptionsWin() {
        TrainerOptions demo = options("--profile", "demo");
        assertThat(demo.batchSize()).isEqualTo(TrainerProfile.DEMO_BATCH_SIZE);
        assertThat(demo.publishEveryExamples()).isEqualTo(TrainerProfile.DEMO_PUBLISH_EVERY_EXAMPLES);
        assertThat(demo.publishEvery()).isEqualTo(Duration.ofSeconds(5));
        assertThat(demo.holdoutExamples()).isEqualTo(TrainerProfile.DEMO_HOLDOUT);
        assertThat(demo.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(demo.model().optimizer()).isEqualTo(OptimizerKind.ADAM);
        assertThat(demo.model().learningRate()).isEqualTo(0.01);
        assertThat(options("--profile", "demo", "--kind", "deep").model().learningRate()).isEqualTo(ModelConfig.ADAM_LEARNING_RATE);

        TrainerOptions mine = options("--profile", "demo", "--batch-size", "64", "--learning-rate", "0.05",
                "--checkpoint-interval", "3s", "--holdout", "100");
        assertThat(mine.batchSize()).isEqualTo(64);
        assertThat(mine.model().learningRate()).isEqualTo(0.05);
        assertThat(mine.model().optimizer()).isEqualTo(OptimizerKind.ADAM);
        assertThat(mine.checkpointInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(mine.holdoutExamples()).isEqualTo(100);
        assertThat(mine.publishEveryExamples()).isEqualTo(TrainerProfile.DEMO_PUBLISH_EVERY_EXAMPLES);
    }

    @Test
    void labelMeanAndStdScaleARegressionModel() {
        TrainerOptions options = options("--task", "regression", "--label-mean", "15.5", "--label-std", "4");
        assertThat(options.model().labelMean()).isEqualTo(15.5);
        assertThat(options.model().labelStd()).isEqualTo(4);

        TrainerOptions plain = options("--task", "regression");
        assertThat(plain.model().labelMean()).isZero();
        assertThat(plain.model().labelStd()).isOne();
    }

    @Test
    void anUnusableLabelStdIsRefusedWithTheOptionsName() {
        for (String std : new String[] {"0", "-1", "NaN", "Infinity"}) {
            assertThatThrownBy(() -> options("--task", "regression", "--label-std", std)).as(std)
                    .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--label-std");
        }
        assertThatThrownBy(() -> options("--task", "regression", "--label-std", "four"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--label-std");
    }

    @Test
    void aBinaryModelTakesTheLabelMeanAsItsBaseRateAndIgnoresTheStd() {
        TrainerOptions options = options("--label-mean", "0.2", "--label-std", "4");
        assertThat(options.model().labelMean()).isEqualTo(0.2);
        assertThat(options.model().labelStd()).isOne();
        assertThatThrownBy(() -> options("--label-mean", "15")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("base rate");
    }

    @Test
    void aBadDurationOrAnUnknownOptionIsOneLineNamingIt() {
        assertThatThrownBy(() -> options("--publish-every", "soon"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--publish-every")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> options("--checkpoint-interval", "forever"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--checkpoint-interval")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> options("--profile", "fast"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("plain or demo");
        assertThatThrownBy(() -> TrainerMain.main(new String[] {"--bootstrap", "k:1", "--spec", SPEC, "--nope"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nope")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theConsumerGroupAndTransactionalIdsStartWithThePrefix() {
        TrainerOptions options = options("--prefix", "team.");
        assertThat(options.groupId()).isEqualTo("team.online-trainer-delay");
        assertThat(options.topics().models()).startsWith("team.");
        assertThatThrownBy(() -> new TrainerOptions(options.kafka(), "team.", options.registry(), "other", "m", "s", 1,
                options.model(), 1, 1, 1, Duration.ofSeconds(1), 0, 0, TrainerOptions.WarmStart.NONE, 0, Device.CPU, 0,
                Duration.ofSeconds(1), null, "team.events.dlq", true, RestartPolicy.defaults(), null, Governance.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with the topic prefix");
    }

    @Test
    void theClusterSettingsReachEveryClientOfTheJob(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("kafka.properties"),
                "bootstrap.servers=secure:9093\nclient.dns.lookup=resolve_canonical_bootstrap_servers_only\n"
                        + "request.timeout.ms=12345\nsecurity.protocol=SASL_SSL\n");
        TrainerOptions options = TrainerMain.options("--kafka-config", config.toString(), "--spec", SPEC);
        assertThat(TrainerJob.consumerProperties(options))
                .containsEntry("bootstrap.servers", "secure:9093")
                .containsEntry("client.dns.lookup", "resolve_canonical_bootstrap_servers_only")
                .containsEntry("request.timeout.ms", "12345")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("isolation.level", "read_committed");
        assertThat(TrainerJob.producerProperties(options))
                .containsEntry("bootstrap.servers", "secure:9093")
                .containsEntry("client.dns.lookup", "resolve_canonical_bootstrap_servers_only")
                .containsEntry("request.timeout.ms", "12345")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("buffer.memory", String.valueOf(ai.factory.topics.TopicCatalog.MODELS_MAX_MESSAGE_BYTES));
        assertThat(options.registry().kafka()).isEqualTo(options.kafka());
    }
}
