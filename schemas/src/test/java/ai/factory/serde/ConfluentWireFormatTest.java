package ai.factory.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.apicurio.registry.serde.SerdeConfig;
import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

    @Test
    void theLibraryIsSetForTheConfluentWireFormatWithTheRegistrysApi() {
        Map<String, Object> config = ConfluentWireFormat.libraryConfig(Map.of("schema.registry.url", "https://registry:8443/"));
        assertThat(config)
                .containsEntry(SerdeConfig.REGISTRY_URL, "https://registry:8443/apis/registry/v2")
                .containsEntry(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true)
                .containsEntry(SerdeConfig.ENABLE_HEADERS, false)
                .containsEntry(SerdeConfig.USE_ID, "contentId")
                .containsEntry(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        assertThat(ConfluentWireFormat.libraryConfig(Map.of("schema.registry.url", "http://r/apis/registry/v2")))
                .containsEntry(SerdeConfig.REGISTRY_URL, "http://r/apis/registry/v2");
    }

    @Test
    void credentialsAndTrustStoreComeFromTheKafkaConfigFileUnderConfluentsOrApicuriosNames() {
        Map<String, Object> config = ConfluentWireFormat.libraryConfig(Map.of(
                "schema.registry.url", "https://registry:8443",
                "basic.auth.user.info", "factory:pa:ss",
                "schema.registry.ssl.truststore.location", "/etc/ts.p12",
                "schema.registry.ssl.truststore.password", "changeit",
                "apicurio.registry.retry-count", "1",
                "security.protocol", "SSL"));
        assertThat(config)
                .containsEntry(SerdeConfig.AUTH_USERNAME, "factory")
                .containsEntry(SerdeConfig.AUTH_PASSWORD, "pa:ss")
                .containsEntry(SerdeConfig.REQUEST_TRUSTSTORE_LOCATION, "/etc/ts.p12")
                .containsEntry(SerdeConfig.REQUEST_TRUSTSTORE_PASSWORD, "changeit")
                .containsEntry(SerdeConfig.RETRY_COUNT, "1")
                .doesNotContainKey("security.protocol");
    }

    @Test
    void aPasswordMayStayInTheEnvironmentAsKafkasDo() {
        Map<String, String> resolved = ConfluentWireFormat.resolved(Map.of(
                "config.providers", "env",
                "config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "basic.auth.user.info", "factory:${env:HOME}"));
        assertThat(System.getenv("HOME")).isNotBlank();
        assertThat(ConfluentWireFormat.libraryConfig(resolved)).containsEntry(SerdeConfig.AUTH_PASSWORD, System.getenv("HOME"));
    }

    @Test
    void theSchemaIdIsTheFourBytesAfterTheMagicByte() {
        assertThat(ConfluentWireFormat.schemaId(new byte[] {0, 0, 0, 0x30, 0x39, 2})).isEqualTo(12345);
        assertThat(ConfluentWireFormat.schemaId(new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})).isEqualTo(0xffffffffL);
        assertThat(ConfluentWireFormat.schemaId(new byte[] {(byte) 0xC3, 1, 0, 0, 0, 0})).isEqualTo(-1);
        assertThat(ConfluentWireFormat.schemaId(new byte[] {0, 0, 1})).isEqualTo(-1);
    }
}
