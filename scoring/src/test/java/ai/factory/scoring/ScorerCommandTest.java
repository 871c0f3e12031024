package ai.factory.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line of {@code factory score}. */
class ScorerCommandTest {

    @Test
    void argumentsBecomeOptions() {
        ScorerCommand command = new ScorerCommand();
        new CommandLine(command).parseArgs("--bootstrap", "k:9092", "--model", "delay", "--device", "cuda:1",
                "--threads", "3", "--max-batch", "128", "--max-wait", "5ms", "--shadow", "--prefix", "p.");
        ScorerOptions options = command.options();
        assertThat(options.connection().bootstrapServers()).isEqualTo("k:9092");
        assertThat(options.device()).isEqualTo(Device.cuda(1));
        assertThat(options.intraOpThreads()).isEqualTo(3);
        assertThat(options.maxBatchSize()).isEqualTo(128);
        assertThat(options.maxPendingPerPartition()).isEqualTo(512);
        assertThat(options.maxWait()).isEqualTo(Duration.ofMillis(5));
        assertThat(options.shadow()).isTrue();
        assertThat(options.allowSpinning()).isFalse();
        assertThat(options.topics().features()).isEqualTo("p.features");
        assertThat(options.groupId()).as("the prefix names the default group").isEqualTo("p." + ScorerOptions.DEFAULT_GROUP);
        assertThat(options.startFromEarliest()).isTrue();

        new CommandLine(command).parseArgs("--model", "delay", "--prefix", "p.", "--group", "mine");
        assertThat(command.options().groupId()).as("one set of prefixed ACLs covers every group").isEqualTo("p.mine");
    }

    @Test
    void shadowScoringIsOnUnlessTurnedOff() {
        assertThat(options("--model", "delay").shadow()).isTrue();
        assertThat(options("--model", "delay", "--shadow").shadow()).isTrue();
        assertThat(options("--model", "delay", "--no-shadow").shadow()).isFalse();
    }

    @Test
    void aBadDurationIsOneLineNamingTheOption() {
        assertThatThrownBy(() -> options("--model", "delay", "--max-wait", "5 millis"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--max-wait")
                .hasMessageContaining("a duration must look like")
                .extracting(Throwable::getMessage).asString().doesNotContain("\n");
        assertThatThrownBy(() -> options("--model", "delay", "--commit-interval", "forever"))
                .hasMessageContaining("--commit-interval must be a duration");
    }

    @Test
    void theKafkaConfigFileReachesTheOptions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=k:9093\nsecurity.protocol=SASL_SSL\nsasl.jaas.config=secret\n");
        ScorerOptions options = options("--model", "delay", "--kafka-config", file.toString());
        assertThat(options.connection().bootstrapServers()).isEqualTo("k:9093");
        assertThat(options.connection().securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(options.toString()).doesNotContain("secret");
    }

    @Test
    void theCommandsDefaultsAreTheOptionsDefaults() {
        ScorerOptions options = options("--model", "delay");
        ScorerOptions defaults = ScorerOptions.defaults(KafkaConnection.of("k:9092"), "delay");
        assertThat(options.maxWait()).isEqualTo(defaults.maxWait()).isZero();
        assertThat(options.maxBatchSize()).isEqualTo(defaults.maxBatchSize());
        assertThat(options.maxPendingPerPartition()).isEqualTo(defaults.maxPendingPerPartition());
        assertThat(options.producerLinger()).isEqualTo(defaults.producerLinger()).isEqualTo(Duration.ofMillis(2));
        assertThat(options.commitInterval()).isEqualTo(defaults.commitInterval());
        assertThat(options("--model", "delay", "--linger", "0s").producerLinger()).isZero();
        assertThat(options.delivery()).isEqualTo(defaults.delivery()).isEqualTo(Delivery.AUTO);
        assertThat(options.outageLimit()).isEqualTo(defaults.outageLimit()).isEqualTo(Duration.ofMinutes(5));
        assertThat(options("--model", "delay", "--delivery", "at-least-once", "--outage-limit", "90s"))
                .extracting(ScorerOptions::delivery, ScorerOptions::outageLimit)
                .containsExactly(Delivery.AT_LEAST_ONCE, Duration.ofSeconds(90));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> options("--model", "delay", "--delivery", "twice"))
                .hasMessageContaining("exactly-once");
        assertThat(options.explainTop()).isEqualTo(defaults.explainTop()).isZero();
        assertThat(options("--model", "delay", "--explain", "3").explainTop()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> options("--model", "delay", "--explain", "-1"))
                .hasMessageContaining("--explain");
    }

    @Test
    void theModelComesFromItsNameOrFromASpec(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path spec = dir.resolve("s.json");
        java.nio.file.Files.writeString(spec, "{\"name\": \"strikes\", \"model\": {\"name\": \"damage\", \"task\": \"binary\"}}");
        assertThat(options("--spec", spec.toString()).modelName()).isEqualTo("damage");
        assertThat(options("--model", "flights").modelName()).isEqualTo("flights");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> options()).hasMessageContaining("--model NAME or --spec SPEC");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> options("--model", "a", "--spec", spec.toString()))
                .hasMessageContaining("one of them");
    }

    private static ScorerOptions options(String... args) {
        return CommandLine.populateCommand(new ScorerCommand(), args).options();
    }
}
