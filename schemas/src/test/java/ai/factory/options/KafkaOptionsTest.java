package ai.factory.options;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static KafkaOptions options(String... args) {
        KafkaOptions options = new KafkaOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }
}
