package ai.factory.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaOptionsTest {

    @TempDir
    Path dir;

    @Test
    void aShortCommandsProducerGivesUpOnARecordWithinSeconds() {
        Map<String, String> settings = options("--bootstrap", "127.0.0.1:1").commandConnection().settings();
        assertThat(settings).containsEntry("request.timeout.ms", "10000").containsEntry("max.block.ms", "15000")
                .containsEntry("delivery.timeout.ms", "30000");
    }

    @Test
    void theSettingsFileWinsAndARaisedRequestTimeoutRaisesTheDeliveryTimeoutWithIt() throws IOException {
        Path own = Files.writeString(dir.resolve("own.properties"), "delivery.timeout.ms=45000\n");
        assertThat(options("--bootstrap", "127.0.0.1:1", "--kafka-config", own.toString()).commandConnection().settings())
                .containsEntry("delivery.timeout.ms", "45000");
        // Kafka refuses a delivery timeout below request.timeout.ms + linger.ms.
        Path slow = Files.writeString(dir.resolve("slow.properties"), "request.timeout.ms=60000\n");
        assertThat(options("--bootstrap", "127.0.0.1:1", "--kafka-config", slow.toString()).commandConnection().settings())
                .containsEntry("request.timeout.ms", "60000").containsEntry("delivery.timeout.ms", "61000");
    }

    @Test
    void theSchemaRegistryReachesTheConnectionAndTheJobsCommandLine() throws IOException {
        Path file = Files.writeString(dir.resolve("client.properties"), "basic.auth.user.info=u:p\n");
        KafkaOptions options = options("--bootstrap", "127.0.0.1:1", "--kafka-config", file.toString(),
                "--schema-registry", "http://registry:8080");
        assertThat(options.connection().schemaRegistryUrl()).contains("http://registry:8080");
        assertThat(options.commandConnection().settings()).containsEntry("basic.auth.user.info", "u:p");
        assertThat(options.arguments()).containsSequence("--schema-registry", "http://registry:8080");
        assertThat(options("--bootstrap", "127.0.0.1:1").connection().schemaRegistryUrl()).isEmpty();
    }

    @Test
    void aSchemaRegistryThatIsNoHttpUrlIsRefused() {
        for (String bad : new String[] {"registry:8080", "ftp://registry/", "http://"}) {
            assertThatThrownBy(() -> options("--schema-registry", bad))
                    .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("http://");
        }
    }

    private static KafkaOptions options(String... args) {
        KafkaOptions options = new KafkaOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }
}
