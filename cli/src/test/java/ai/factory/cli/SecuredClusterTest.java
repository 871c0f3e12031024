package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ai.factory.broker.EmbeddedKafka;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI against a secured broker: with the ACLs docs/security.md lists for it, {@code topics create} and
 * {@code produce} work; without credentials, with a wrong password, or without an ACL each command ends at once with
 * exit code 1 and one line naming the cause. Each refusal must come within the test's timeout, well under Kafka's
 * default minute of retries.
 */
class SecuredClusterTest {

    private static final String PREFIX = "acme-";
    private static final String PASSWORD = "acme-secret-42";

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static Path good;
    private static Path csv;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void start() throws IOException {
        kafka = EmbeddedKafka.startSecured();
        // Exactly the topic operations the CLI's topics and produce commands need, on the prefix only.
        kafka.security().createUser("acme", PASSWORD);
        kafka.security().grant("acme", PatternType.PREFIXED, PREFIX, Map.of(ResourceType.TOPIC,
                Set.of(AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.WRITE, AclOperation.READ)));
        good = kafka.security().writeClientConfig(dir.resolve("acme.properties"), "acme", PASSWORD);
        csv = dir.resolve("flights.csv");
        Files.writeString(csv, String.join("\n",
                "ts,delay,distance,origin,destination,delayed15",
                "2001-01-01T00:01:00,33,2176,LAS,PHL,1",
                "2001-01-01T00:02:00,-5,215,ATL,SAV,0", ""));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void topicsAndProduceWorkWithTheDocumentedAcls() {
        Result topics = run("topics", "create", "--kafka-config", good.toString(), "--prefix", PREFIX, "--partitions", "2");
        assertThat(topics.exitCode()).as(topics.err()).isZero();
        assertThat(topics.out()).contains("created  " + PREFIX + "events");

        Result produce = run(produce(good, PREFIX));
        assertThat(produce.exitCode()).as(produce.err()).isZero();
        assertThat(produce.out()).contains("produced 2 events and 2 feedback records");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aWrongPasswordIsOneLineNamingTheFailedAuthentication() {
        Path wrong = kafka.security().writeClientConfig(dir.resolve("wrong.properties"), "acme", "not-the-password");
        for (String[] command : commands(wrong, PREFIX)) {
            assertOneLineError(run(command), "authentication failed at Kafka at " + kafka.bootstrapServers(),
                    "sasl.jaas.config");
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aMissingAclIsOneLineNamingTheTopic() {
        for (String[] command : commands(good, "other-")) {
            Result result = run(command);
            assertOneLineError(result, "not authorized at Kafka at " + kafka.bootstrapServers(), "ACLs");
            assertThat(result.err()).as("names the topic").containsPattern("topics? other-");
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aClientWithoutALoginIsOneLineNamingTheMissingSetting() throws IOException {
        Path noLogin = dir.resolve("no-login.properties");
        Files.writeString(noLogin, kafka.security().clientConfigWithoutLogin().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
        for (String[] command : commands(noLogin, PREFIX)) {
            assertOneLineError(run(command), "no SASL login", "set sasl.jaas.config");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPlaintextClientAtTheTlsListenerGivesUpWithinSecondsNamingTheSettings() {
        // No --kafka-config at all: the client speaks plaintext, the broker drops the connection, nothing says why;
        // the bounded timeouts end it and the line points at the security settings.
        for (String[] command : commands(null, PREFIX)) {
            assertOneLineError(run(command), "no answer from Kafka at " + kafka.bootstrapServers(), "security.protocol");
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aTrustStoreWithoutTheBrokersCaIsOneLineNamingTheTlsHandshake() throws IOException {
        // The JDK's default trust store does not know the CA made for this broker.
        Path untrusted = dir.resolve("untrusted.properties");
        Files.writeString(untrusted, String.join("\n",
                "bootstrap.servers=" + kafka.bootstrapServers(),
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"acme\" password=\""
                        + PASSWORD + "\";", ""));
        for (String[] command : commands(untrusted, PREFIX)) {
            assertOneLineError(run(command), "TLS handshake with Kafka at " + kafka.bootstrapServers() + " failed", "ssl.truststore");
        }
    }

    /** topics create, produce and subscribe with the settings file (none when null) and the prefix. */
    private static List<String[]> commands(Path config, String prefix) {
        List<String[]> commands = new ArrayList<>();
        commands.add(withKafka(config, prefix, "topics", "create"));
        commands.add(produce(config, prefix));
        commands.add(withKafka(config, prefix, "subscribe", "--from", "beginning", "--limit", "1"));
        return commands;
    }

    private static String[] produce(Path config, String prefix) {
        return withKafka(config, prefix, "produce", csv.toString(), "--mapping", "../data/flights.mapping.json");
    }

    private static String[] withKafka(Path config, String prefix, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--prefix", prefix));
        if (config == null) {
            args.addAll(List.of("--bootstrap", kafka.bootstrapServers()));
        } else {
            args.addAll(List.of("--kafka-config", config.toString()));
        }
        return args.toArray(String[]::new);
    }

    private static void assertOneLineError(Result result, String cause, String hint) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(result.err().strip().lines()).as("one line").hasSize(1);
        assertThat(result.err()).startsWith("error: ").contains(cause).contains(hint)
                .doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(PASSWORD);
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FactoryCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
