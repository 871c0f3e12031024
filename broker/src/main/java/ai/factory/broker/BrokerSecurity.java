package ai.factory.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Users, ACLs and client settings of an {@link EmbeddedKafka} started with security on.
 *
 * <p>The broker itself connects as a super user whose SCRAM credential is written into the metadata log when the
 * storage is formatted; every other user is created here through the Admin API and holds only the ACLs granted here.
 * The controller listener stays plaintext on loopback, so its anonymous principal (the broker talking to its own
 * controller) is a super user too; clients only ever see the SASL_SSL listener.
 */
public final class BrokerSecurity {

    /** The SASL mechanism of the client listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final String LISTENER = "SASL_SSL";
    private static final String SUPER_USER = "factory-broker";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    /** What a password may hold so that it can stand quoted in a JAAS line as it is. */
    private static final Pattern PLAIN_PASSWORD = Pattern.compile("[A-Za-z0-9._~+/=-]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final long TIMEOUT_SECONDS = 30;
    /** KRaft's ACL authorizer (ACLs kept in the metadata log); by name, as kafka-metadata reaches us only at run time. */
    private static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    private final String bootstrapServers;
    private final TlsMaterial tls;
    private final String superUserPassword;

    private BrokerSecurity(String bootstrapServers, TlsMaterial tls, String superUserPassword) {
        this.bootstrapServers = bootstrapServers;
        this.tls = tls;
        this.superUserPassword = superUserPassword;
    }

    static BrokerSecurity create(String bootstrapServers, TlsMaterial tls) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return new BrokerSecurity(bootstrapServers, tls, HexFormat.of().formatHex(random));
    }

    /** The broker settings that turn security on. */
    Map<String, String> brokerProperties(int brokerPort, int controllerPort, String host) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", LISTENER + "://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", LISTENER + "://" + host + ":" + brokerPort);
        p.put("listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
        // The broker reaches itself (transaction markers) through the one secured listener, as its super user.
        p.put("inter.broker.listener.name", LISTENER);
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name." + LISTENER.toLowerCase() + "." + MECHANISM.toLowerCase() + ".sasl.jaas.config",
                jaas(SUPER_USER, superUserPassword));
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.keystore().toString());
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tls.password());
        p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, tls.password());
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.password());
        p.put("authorizer.class.name", STANDARD_AUTHORIZER);
        p.put("super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
        // Stated although it is the default: a resource without ACLs is closed to everyone but super users.
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    /** {@code kafka-storage format} arguments that put the super user's SCRAM credential into the metadata log. */
    String[] formatArguments() {
        return new String[] {"--add-scram", MECHANISM + "=[name=" + SUPER_USER + ",password=" + superUserPassword + "]"};
    }

    /** The bootstrap servers of the SASL_SSL listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The trust store (PKCS12) holding the CA that signed the broker's certificate. */
    public Path truststore() {
        return tls.truststore();
    }

    /** Client settings of the broker's super user, for setting up users and ACLs in tests. */
    public Map<String, Object> superUserConfig() {
        return clientConfig(SUPER_USER, superUserPassword);
    }

    /** Client settings (bootstrap servers included) of {@code user} with {@code password}. */
    public Map<String, Object> clientConfig(String user, String password) {
        Map<String, Object> config = new HashMap<>(tlsConfig());
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password));
        return config;
    }

    /**
     * Client settings that reach the listener over TLS but carry no SASL login, as a client configured without
     * credentials would; opening a client with them fails at once.
     */
    public Map<String, Object> clientConfigWithoutLogin() {
        return new HashMap<>(tlsConfig());
    }

    /** Creates {@code user} (or changes its password) with a SCRAM-SHA-512 credential; returns once the broker knows it. */
    public void createUser(String user, String password) {
        requirePlain(password);
        try (Admin admin = Admin.create(adminConfig())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // The controller commits the credential; the broker learns it from the metadata log a moment later.
            awaitTrue(() -> admin.describeUserScramCredentials(List.of(user)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).containsKey(user), "the credential of " + user);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create user " + user + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating user " + user, e);
        }
    }

    /**
     * Lets {@code user} do everything with topics, consumer groups and transactional ids whose names start with
     * {@code prefix}, and nothing else.
     */
    public void grantPrefixed(String user, String prefix) {
        grant(user, PatternType.PREFIXED, prefix, Map.of(
                ResourceType.TOPIC, Set.of(AclOperation.ALL),
                ResourceType.GROUP, Set.of(AclOperation.ALL),
                ResourceType.TRANSACTIONAL_ID, Set.of(AclOperation.ALL)));
    }

    /**
     * Allows {@code user} the operations on the resources named {@code name} (matched as {@code pattern} says) from any
     * host; returns once the broker enforces them.
     */
    public void grant(String user, PatternType pattern, String name, Map<ResourceType, Set<AclOperation>> operations) {
        List<AclBinding> bindings = new ArrayList<>();
        operations.forEach((type, ops) -> ops.forEach(op -> bindings.add(new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)))));
        try (Admin admin = Admin.create(adminConfig())) {
            admin.createAcls(bindings).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // The broker's authorizer applies ACLs from the metadata log; describeAcls answers from that authorizer.
            awaitTrue(() -> admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .containsAll(bindings), "the ACLs of " + user);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot grant ACLs to " + user + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting ACLs to " + user, e);
        }
    }

    /** Writes a client properties file for {@code user} holding the password itself; readable by the owner only. */
    public Path writeClientConfig(Path file, String user, String password) {
        requirePlain(password);
        Map<String, String> settings = fileSettings(user, password);
        return write(file, settings);
    }

    /**
     * Writes a client properties file for {@code user} whose password Kafka's {@link EnvVarConfigProvider} reads from
     * the environment variable {@code variable} when a client opens, so the file holds no secret.
     */
    public Path writeClientConfigWithPasswordFrom(Path file, String user, String variable) {
        if (!ENV_NAME.matcher(variable).matches()) {
            throw new IllegalArgumentException("not an environment variable name: " + variable);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("config.providers", "env");
        settings.put("config.providers.env.class", EnvVarConfigProvider.class.getName());
        settings.putAll(fileSettings(user, "${env:" + variable + "}"));
        return write(file, settings);
    }

    private Map<String, String> fileSettings(String user, String password) {
        Map<String, String> settings = new LinkedHashMap<>();
        tlsConfig().forEach((k, v) -> settings.put(k, String.valueOf(v)));
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password));
        return settings;
    }

    private Map<String, Object> tlsConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, LISTENER);
        config.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
        // A trust store holds no secret; its password only guards its integrity.
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.password());
        return config;
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = superUserConfig();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        return config;
    }

    private static String jaas(String user, String password) {
        return SCRAM_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static void requirePlain(String password) {
        if (!PLAIN_PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("test passwords may hold only letters, digits and ._~+/=-");
        }
    }

    private static Path write(Path file, Map<String, String> settings) {
        StringBuilder text = new StringBuilder("# Kafka client settings of the embedded secured broker\n");
        // Properties.store would escape the colons of ${env:NAME}; the values here need no escaping.
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(file)) {
                out.write(text.toString());
            }
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws ExecutionException, TimeoutException, InterruptedException;
    }

    private static void awaitTrue(Check check, String what) throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker did not apply " + what + " within " + TIMEOUT_SECONDS + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
