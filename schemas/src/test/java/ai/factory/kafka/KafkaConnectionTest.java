package ai.factory.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("client.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void theFilesSettingsReachEveryClientAndTheClientsOwnWin() throws Exception {
        KafkaConnection c = KafkaConnection.load("broker:9093", file("""
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                request.timeout.ms=5000
                """));
        assertThat(c.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(c.clientConfig(Map.of("request.timeout.ms", 1000)))
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("request.timeout.ms", 1000);
        assertThat(c.properties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void theFilesServersServeWhenNoneAreGiven() throws Exception {
        Path f = file("bootstrap.servers=a:9092,b:9092\n");
        assertThat(KafkaConnection.load(null, f).bootstrapServers()).isEqualTo("a:9092,b:9092");
        assertThat(KafkaConnection.load("c:9092", f).bootstrapServers()).isEqualTo("c:9092");
        assertThatThrownBy(() -> KafkaConnection.load(null, file("security.protocol=SSL\n")))
                .hasMessageContaining("--bootstrap");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> KafkaConnection.load("a:9092", dir.resolve("nope.properties")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.properties");
    }

    @Test
    void secretsAreNeverShown() throws Exception {
        KafkaConnection c = KafkaConnection.load("a:9092", file("""
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p4ss";
                ssl.truststore.password=changeit
                ssl.truststore.location=/etc/ts.p12
                """));
        assertThat(c.toString()).doesNotContain("p4ss", "changeit").contains("/etc/ts.p12", "[hidden]");
    }

    @Test
    void theSchemaRegistrysSettingsReachNoKafkaClientAndItsCredentialsAreHidden() throws Exception {
        KafkaConnection c = KafkaConnection.load("a:9092", file("""
                security.protocol=SSL
                basic.auth.user.info=factory:s3cret
                schema.registry.ssl.truststore.location=/etc/registry-ts.p12
                apicurio.registry.check-period-ms=1000
                """)).withSchemaRegistry("https://registry:8443");
        assertThat(c.schemaRegistryUrl()).contains("https://registry:8443");
        assertThat(c.clientConfig()).containsEntry("security.protocol", "SSL")
                .doesNotContainKeys("schema.registry.url", "basic.auth.user.info", "schema.registry.ssl.truststore.location",
                        "apicurio.registry.check-period-ms");
        assertThat(c.toString()).doesNotContain("s3cret").contains("https://registry:8443");
        assertThat(c.withSchemaRegistry(null).schemaRegistryUrl()).isEmpty();
        assertThat(KafkaConnection.of("a:9092").schemaRegistryUrl()).isEmpty();
    }

    @Test
    void travelsInAJobGraph() throws Exception {
        KafkaConnection c = KafkaConnection.load("a:9092", file("security.protocol=SSL\n"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(c);
        }
    }
}
