package ai.factory.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every Kafka client of the factory reaches the cluster: its bootstrap servers and the client settings of a
 * {@code --kafka-config} file (security protocol, SASL, TLS, timeouts). Serializable, so it travels inside Flink job
 * graphs; {@link #toString()} hides secrets. Secrets may stay out of the file too: Kafka's own config providers resolve
 * {@code ${env:NAME}} in any value on the machine that opens the client ({@code config.providers=env},
 * {@code config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider}).
 *
 * @param bootstrapServers the cluster's bootstrap servers
 * @param settings         the other client settings, as the file gives them
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> settings) implements Serializable {

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|user\\.info).*");

    /** The setting that names a Confluent-compatible schema registry: set by {@code --schema-registry}, read by the serdes. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    /** Settings for the schema registry's client, not Kafka's: kept from Kafka clients, which would warn about them. */
    private static final Pattern REGISTRY_SETTING = Pattern.compile("(schema\\.registry\\.|basic\\.auth\\.|apicurio\\.).*");

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Map<String, String> copy = new TreeMap<>(settings);
        copy.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        settings = Collections.unmodifiableMap(copy);
    }

    /** A cluster reached with client defaults (plaintext, no authentication). */
    public static KafkaConnection of(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * The settings of the properties file {@code file}; its {@code bootstrap.servers} is used when {@code bootstrapServers}
     * is null.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or names no servers
     */
    public static KafkaConnection load(String bootstrapServers, Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Kafka client settings file not found: " + file);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the Kafka client settings in " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k).trim()));
        String servers = bootstrapServers != null ? bootstrapServers : settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: give --bootstrap or set bootstrap.servers in " + file);
        }
        return new KafkaConnection(servers, settings);
    }

    /** This connection with the Confluent-compatible schema registry at {@code url}, or without one when it is null. */
    public KafkaConnection withSchemaRegistry(String url) {
        Map<String, String> changed = new HashMap<>(settings);
        if (url == null) {
            changed.remove(SCHEMA_REGISTRY_URL);
        } else {
            changed.put(SCHEMA_REGISTRY_URL, url);
        }
        return new KafkaConnection(bootstrapServers, changed);
    }

    /** The Confluent-compatible schema registry the values are written to, if one is set. */
    public Optional<String> schemaRegistryUrl() {
        return Optional.ofNullable(settings.get(SCHEMA_REGISTRY_URL)).filter(url -> !url.isBlank());
    }

    /** Whether {@code key} is a setting of the schema registry's client rather than of Kafka's. */
    public static boolean isRegistrySetting(String key) {
        return REGISTRY_SETTING.matcher(key).matches();
    }

    /** The settings of a new client: the file's, then the bootstrap servers. */
    public Map<String, Object> clientConfig() {
        return clientConfig(Map.of());
    }

    /** The settings of a new client: the file's, then the bootstrap servers, then {@code own} (what the client needs). */
    public Map<String, Object> clientConfig(Map<String, ?> own) {
        Map<String, Object> config = new HashMap<>();
        settings.forEach((k, v) -> {
            if (!isRegistrySetting(k)) {
                config.put(k, v);
            }
        });
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(own);
        return config;
    }

    /** {@link #clientConfig()} as properties, for APIs that take them (Flink's Kafka connector, Kafka Streams). */
    public Properties properties() {
        Properties properties = new Properties();
        properties.putAll(clientConfig());
        return properties;
    }

    /** The security protocol the clients use. */
    public String securityProtocol() {
        return settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
    }

    /** Whether {@code key} holds a secret, which is never logged or shown. */
    public static boolean isSecret(String key) {
        return SECRET.matcher(key).matches();
    }

    @Override
    public String toString() {
        StringJoiner shown = new StringJoiner(", ", "Kafka " + bootstrapServers + " [", "]");
        settings.forEach((k, v) -> shown.add(k + "=" + (isSecret(k) ? "[hidden]" : v)));
        return shown.toString();
    }
}
