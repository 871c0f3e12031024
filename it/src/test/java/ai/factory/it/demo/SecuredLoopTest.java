package ai.factory.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.EmbeddedKafka;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a secured cluster (SASL_SSL, SCRAM-SHA-512, ACLs enforced) as a principal that holds only prefixed
 * ACLs: topics, consumer groups and transactional ids starting with its prefix. Its password reaches the clients only
 * through the environment ({@code ${env:...}} in the --kafka-config file) and never appears in the output.
 */
class SecuredLoopTest {

    private static final String PREFIX = "acme-";
    private static final String USER = "factory";
    /** Set by this module's surefire configuration. */
    private static final String PASSWORD_VARIABLE = "FACTORY_TEST_KAFKA_PASSWORD";

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theLoopRunsAsAPrincipalWithOnlyPrefixedAcls(@TempDir Path dir) throws Exception {
        String password = System.getenv(PASSWORD_VARIABLE);
        assertThat(password).as(PASSWORD_VARIABLE + " (it/pom.xml)").isNotBlank();
        int events = 3_000;
        try (EmbeddedKafka cluster = EmbeddedKafka.start(new EmbeddedKafka.Settings(0, dir.resolve("kafka"), java.util.Map.of())
                .withSecurity())) {
            cluster.security().createUser(USER, password);
            cluster.security().grantPrefixed(USER, PREFIX);
            Path config = cluster.security().writeClientConfigWithPasswordFrom(dir.resolve("factory.properties"), USER,
                    PASSWORD_VARIABLE);

            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            JsonNode r;
            PrintStream out = System.out;
            PrintStream err = System.err;
            // Everything the run prints or logs, kept to check that the password is not in it.
            System.setOut(new PrintStream(new Tee(out, shown), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(err, shown), true, StandardCharsets.UTF_8));
            try {
                r = DemoRuns.demo(dir, "--events", String.valueOf(events),
                        "--bootstrap", cluster.bootstrapServers(), "--kafka-config", config.toString(), "--prefix", PREFIX,
                        "--publish-every-examples", "1000");
            } finally {
                System.setOut(out);
                System.setErr(err);
            }

            DemoRuns.assertCountsAddUp(r, events, 1.0);
            assertThat(shown.toString(StandardCharsets.UTF_8)).as("output and logs").doesNotContain(password);
            assertThat(Files.readString(config)).doesNotContain(password);
            try (Admin admin = Admin.create(cluster.security().superUserConfig())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).isNotEmpty()
                        .allMatch(t -> t.startsWith(PREFIX), "topic name starts with the prefix");
                assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS)).extracting(GroupListing::groupId)
                        .isNotEmpty().allMatch(g -> g.startsWith(PREFIX), "group id starts with the prefix");
            }
        }
    }

    /** Writes to the console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                console.write(b);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                console.write(b, off, len);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
