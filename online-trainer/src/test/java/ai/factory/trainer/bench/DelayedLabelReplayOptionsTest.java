package ai.factory.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OptimizerKind;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The replay's command line: the shared Kafka options, one --setting per trainer setting, bad settings refused. */
class DelayedLabelReplayOptionsTest {

    private static DelayedLabelReplay parse(String... args) {
        DelayedLabelReplay replay = new DelayedLabelReplay();
        new CommandLine(replay).parseArgs(args);
        return replay;
    }

    @Test
    void readsRepeatedSettingsAndTheKafkaOptions() {
        DelayedLabelReplay replay = parse("-b", "k:9092", "--prefix", "p.", "--spec-version", "2", "--events", "1000",
                "--reference-log1p", "3,5", "--setting", "lr=0.1,batch=128,publish=1000,holdout=500,log1p=3:5",
                "--setting", "opt=adam,kind=deep,publish=0", "--setting", "kind=wide-deep,deeplr=0.002,emb=4,hidden=32:16");

        assertThat(replay.kafka.connection().bootstrapServers()).isEqualTo("k:9092");
        assertThat(replay.kafka.topics().prefix()).isEqualTo("p.");
        assertThat(replay.spec).isEqualTo("flights");
        assertThat(replay.specVersion).isEqualTo(2);
        assertThat(replay.events).isEqualTo(1000);
        assertThat(replay.referenceLog1p).containsExactlyInAnyOrder(3, 5);
        assertThat(replay.settings).hasSize(3);
        DelayedLabelReplay.Setting first = replay.settings.get(0);
        assertThat(first.learningRate()).isEqualTo(0.1);
        assertThat(first.batch()).isEqualTo(128);
        assertThat(first.publishEvery()).isEqualTo(1000);
        assertThat(first.holdout()).isEqualTo(500);
        assertThat(first.log1p()).isEqualTo(Set.of(3, 5));
        DelayedLabelReplay.Setting second = replay.settings.get(1);
        assertThat(second.kind()).isEqualTo(ModelKind.DEEP);
        assertThat(second.optimizer()).isEqualTo(OptimizerKind.ADAM);
        assertThat(second.batch()).isEqualTo(256);
        ModelConfig third = replay.settings.get(2).config(8, 5, 1024);
        assertThat(third.kind()).isEqualTo(ModelKind.WIDE_DEEP);
        assertThat(third.learningRate()).as("the wide part's default").isEqualTo(ModelConfig.WIDE_DEEP_WIDE_LEARNING_RATE);
        assertThat(third.deepLearningRate()).isEqualTo(0.002);
        assertThat(third.embeddingDim()).isEqualTo(4);
        assertThat(third.hidden()).containsExactly(32, 16);
    }

    @Test
    void refusesAMisspeltKeyAndMissingSettings() {
        assertThatThrownBy(() -> parse("--setting", "lr=0.1,bach=128"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("unknown key 'bach'");
        assertThatThrownBy(() -> parse("--setting", "batch=many"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--setting");
        assertThatThrownBy(() -> parse("-b", "k:9092"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--setting");
    }
}
