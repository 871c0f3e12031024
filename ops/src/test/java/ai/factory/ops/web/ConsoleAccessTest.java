package ai.factory.ops.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.ops.OpsOptions;
import ai.factory.ops.OpsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Who may read and act on the console, over real HTTP and HTTPS: the token on reads, loopback defaults, TLS. */
@ExtendWith(KafkaExtension.class)
class ConsoleAccessTest {

    private static final String TOKEN = "read-and-act";
    private static final String PASSWORD = "changeit-42";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void withReadTokenEveryReadButThePageNeedsTheToken(TestKafka kafka) throws Exception {
        ConsoleAccess access = ConsoleAccess.open().withToken(TOKEN).withReadToken(true);
        try (OpsServer server = new OpsServer(options(kafka, "127.0.0.1", access)).start()) {
            String base = server.url();
            for (String path : List.of("api/lag", "api/health", "api/models", "api/quality", "api/freshness", "metrics")) {
                HttpResponse<String> none = get(base + path, Map.of());
                assertThat(none.statusCode()).as(path + " without a token").isEqualTo(401);
                assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
                assertThat(get(base + path, bearer("wrong")).statusCode()).as(path + " with a wrong token").isEqualTo(401);
                assertThat(get(base + path, bearer(TOKEN + "x")).statusCode()).as(path + " with a longer token").isEqualTo(401);
                assertThat(get(base + path, Map.of(OpsHttpServer.TOKEN_HEADER, "wrong")).statusCode()).isEqualTo(401);
                assertThat(get(base + path, bearer(TOKEN)).statusCode()).as(path + " with the token").isEqualTo(200);
                assertThat(get(base + path, Map.of(OpsHttpServer.TOKEN_HEADER, TOKEN)).statusCode()).isEqualTo(200);
            }
            // Unknown paths say nothing either, and the bearer scheme is case-insensitive (RFC 7235).
            assertThat(get(base + "api/nothing", Map.of()).statusCode()).isEqualTo(401);
            assertThat(get(base + "api/lag", Map.of("Authorization", "bearer " + TOKEN)).statusCode()).isEqualTo(200);
            assertThat(get(base + "metrics", bearer(TOKEN)).body()).contains("factory_ops_refresh_seconds");

            // The page is the static shell, holding no data: it loads and asks for the token.
            HttpResponse<String> page = get(base, Map.of());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"login\"");
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");

            // Model actions take the same token in either header.
            assertThat(post(base + "api/models/rollback?model=none", bearer("wrong")).statusCode()).isEqualTo(401);
            assertThat(post(base + "api/models/rollback?model=none", bearer(TOKEN)).statusCode()).isEqualTo(409);
        }
    }

    @Test
    void onLoopbackReadsAreOpenByDefault(TestKafka kafka) throws Exception {
        for (String host : List.of("127.0.0.1", "localhost")) {
            try (OpsServer server = new OpsServer(options(kafka, host, ConsoleAccess.open().withToken(TOKEN))).start()) {
                assertThat(get(server.url() + "api/lag", Map.of()).statusCode()).as(host).isEqualTo(200);
                assertThat(get(server.url() + "metrics", Map.of()).statusCode()).as(host).isEqualTo(200);
                // Actions still need the token.
                assertThat(post(server.url() + "api/models/rollback?model=none", Map.of()).statusCode()).isEqualTo(401);
            }
        }
    }

    @Test
    void offLoopbackReadsNeedTheTokenAndNoTokenRefusesToStart(TestKafka kafka) throws Exception {
        OpsServer refused = new OpsServer(options(kafka, "0.0.0.0", ConsoleAccess.open()));
        assertThatThrownBy(refused::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining(ConsoleAccess.TOKEN_ENV)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        refused.close();
        assertThatThrownBy(() -> new OpsServer(options(kafka, "127.0.0.1", ConsoleAccess.open().withReadToken(true))).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--read-token");

        try (OpsServer server = new OpsServer(options(kafka, "0.0.0.0", ConsoleAccess.open().withToken(TOKEN))).start()) {
            String base = "http://127.0.0.1:" + server.port() + "/";
            assertThat(get(base + "api/lag", Map.of()).statusCode()).isEqualTo(401);
            assertThat(get(base + "api/lag", bearer(TOKEN)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void servesHttpsFromAPkcs12Keystore(TestKafka kafka, @TempDir Path dir) throws Exception {
        Path keystore = keystore(dir);
        ConsoleAccess access = ConsoleAccess.open().withToken(TOKEN).withKeystore(keystore, PASSWORD);
        try (OpsServer server = new OpsServer(options(kafka, "127.0.0.1", access)).start()) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(URI.create(server.url() + "api/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"ok\":true");
            // A client that does not trust the certificate is refused: it is TLS, not a plain socket.
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/health")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aKeystoreThatCannotBeOpenedIsOneClearLine(@TempDir Path dir) throws Exception {
        Path keystore = keystore(dir);
        assertThatThrownBy(() -> ConsoleAccess.open().withKeystore(keystore, "wrong-password").requireUsableOn("127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot open the TLS keystore " + keystore + ": keystore password was incorrect");
        Path missing = dir.resolve("missing.p12");
        assertThatThrownBy(() -> ConsoleAccess.open().withKeystore(missing, PASSWORD).requireUsableOn("127.0.0.1"))
                .hasMessage("cannot open the TLS keystore " + missing + ": no such file");
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a keystore");
        assertThatThrownBy(() -> ConsoleAccess.open().withKeystore(garbage, PASSWORD).requireUsableOn("127.0.0.1"))
                .hasMessage("cannot open the TLS keystore " + garbage + ": not a PKCS12 file");
        assertThatThrownBy(() -> ConsoleAccess.open().withKeystore(keystore, null).requireUsableOn("127.0.0.1"))
                .hasMessageContaining(ConsoleAccess.KEYSTORE_PASSWORD_ENV);
    }

    @Test
    void secretsComeFromTheEnvironmentAndAreNeverShown() {
        Map<String, String> env = Map.of(ConsoleAccess.TOKEN_ENV, TOKEN, ConsoleAccess.KEYSTORE_PASSWORD_ENV, PASSWORD);
        ConsoleAccess access = ConsoleAccess.fromEnvironment(true, Path.of("ops.p12"), env::get);
        assertThat(access.token()).isEqualTo(TOKEN);
        assertThat(access.keystorePassword()).isEqualTo(PASSWORD);
        assertThat(access.matches(TOKEN)).isTrue();
        assertThat(access.matches(TOKEN.substring(1))).isFalse();
        assertThat(access.matches(null)).isFalse();
        assertThat(access.toString()).doesNotContain(TOKEN).doesNotContain(PASSWORD).contains("token=set");
        assertThat(ConsoleAccess.fromEnvironment(false, null, name -> " ").actionsEnabled()).isFalse();
    }

    @Test
    void theBrowserDashboardAsksForTheReadToken(TestKafka kafka, @TempDir Path dir) throws Exception {
        assumeTrue(HeadlessChromium.available(), "skipped: " + HeadlessChromium.BINARY + " is absent");
        ConsoleAccess access = ConsoleAccess.open().withToken(TOKEN).withReadToken(true);
        try (OpsServer server = new OpsServer(options(kafka, "127.0.0.1", access)).start()) {
            String dom = new HeadlessChromium(dir).dumpDom(server.url(), 3_000);
            // The form to enter it is shown, and nothing was rendered without it.
            assertThat(dom).contains("<body data-needs-token=\"true\">").contains("<form id=\"login\">")
                    .contains("the token is missing or wrong");
        }
    }

    private static OpsOptions options(TestKafka kafka, String host, ConsoleAccess access) {
        return OpsOptions.defaults(ai.factory.kafka.KafkaConnection.of(kafka.bootstrapServers())).withPrefix(TestKafka.uniquePrefix("access"))
                .withHttp(host, 0).withSampling(Duration.ofMillis(500), 3).withAccess(access);
    }

    /** A self-signed key for 127.0.0.1 made by the JDK's keytool, as an operator would. */
    private static Path keystore(Path dir) throws Exception {
        Path file = dir.resolve("ops.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "ops", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
        return file;
    }

    /** A TLS context that trusts the keystore's own certificate and nothing else. */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
