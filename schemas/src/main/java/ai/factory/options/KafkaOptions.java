package ai.factory.options;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.factory.kafka.KafkaConnection;
import ai.factory.serde.ConfluentWireFormat;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The picocli options of every command that talks to Kafka: where the cluster is, how to reach it, how topics are named. */
public final class KafkaOptions {

    /** Where Kafka is when nothing says otherwise. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT", defaultValue = "${env:FACTORY_BOOTSTRAP}",
            description = "Kafka bootstrap servers (default: $FACTORY_BOOTSTRAP, else bootstrap.servers of --kafka-config, else "
                    + DEFAULT_BOOTSTRAP + "; `factory demo` and `factory bench` start a broker of their own instead).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:FACTORY_KAFKA_CONFIG}",
            description = "Kafka client settings, a properties file as Kafka's tools take (security.protocol, sasl.*, ssl.*); "
                    + "they reach every Kafka client the command starts, Flink jobs and Kafka Streams included. Keep secrets in "
                    + "this file or in environment variables it names ($${env:NAME} with Kafka's EnvVarConfigProvider), never "
                    + "on the command line (default: $FACTORY_KAFKA_CONFIG).")
    Path config;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "${env:FACTORY_TOPIC_PREFIX:-}",
            description = "Prefix of every topic name, so several factories can share a cluster (default: $FACTORY_TOPIC_PREFIX, "
                    + "else none).")
    String prefix;

    @Option(names = "--schema-registry", paramLabel = "URL", defaultValue = "${env:FACTORY_SCHEMA_REGISTRY}",
            converter = SchemaRegistryUrl.class,
            description = "A Confluent-compatible schema registry (http:// or https://; Apicurio's): every value is then "
                    + "written in the Confluent wire format and its schema registered there. Its credentials and trust store "
                    + "go in --kafka-config (basic.auth.user.info, schema.registry.ssl.*, apicurio.*). Readers take both formats "
                    + "either way (default: $FACTORY_SCHEMA_REGISTRY, else the factory's own format and registry topic).")
    String schemaRegistry;

    /** How to reach the cluster, as the options and the environment say ({@value #DEFAULT_BOOTSTRAP} if they say nothing). */
    public KafkaConnection connection() {
        return cluster().orElse(withSchemaRegistry(KafkaConnection.of(DEFAULT_BOOTSTRAP)));
    }

    /** The cluster the options or the environment name, if they name one (for commands that otherwise start their own). */
    public Optional<KafkaConnection> cluster() {
        if (config != null) {
            return Optional.of(withSchemaRegistry(KafkaConnection.load(bootstrap, config)));
        }
        return Optional.ofNullable(bootstrap).map(KafkaConnection::of).map(this::withSchemaRegistry);
    }

    /** {@code connection} with the registry of {@code --schema-registry}, which wins over the file's. */
    private KafkaConnection withSchemaRegistry(KafkaConnection connection) {
        return schemaRegistry == null || schemaRegistry.isBlank() ? connection : connection.withSchemaRegistry(schemaRegistry);
    }

    /** Checks {@code --schema-registry}: an http or https URL. */
    static final class SchemaRegistryUrl implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                return null;
            }
            try {
                return ConfluentWireFormat.checkUrl(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * These options as a job's command line, for a job whose main runs elsewhere (a Flink cluster): the bootstrap
     * servers as resolved here (the environment's included), the settings file by its absolute path, which the
     * JobManager must be able to read, and the prefix.
     */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        if (bootstrap != null && !bootstrap.isBlank()) {
            args.addAll(List.of("--bootstrap", bootstrap));
        }
        if (config != null) {
            args.addAll(List.of("--kafka-config", config.toAbsolutePath().toString()));
        }
        if (!prefix().isEmpty()) {
            args.addAll(List.of("--prefix", prefix()));
        }
        if (schemaRegistry != null && !schemaRegistry.isBlank()) {
            args.addAll(List.of("--schema-registry", schemaRegistry));
        }
        return args;
    }

    /** The prefix of every topic name, empty for none. */
    public String prefix() {
        return prefix == null ? "" : prefix;
    }

    public Topics topics() {
        return new Topics(prefix());
    }

    /**
     * {@link #connection()} bounded for a short command: a cluster that is not there, or not reachable with these
     * settings (a plaintext client at a TLS listener, a wrong address), ends the command within seconds rather than
     * after Kafka's default minute of retries, and a producer's record that the cluster does not confirm fails after
     * {@value #COMMAND_DELIVERY_TIMEOUT_MS} ms instead of two minutes. Authentication and authorization failures are
     * not retried by Kafka at all. Settings of the {@code --kafka-config} file win.
     */
    public KafkaConnection commandConnection() {
        KafkaConnection connection = connection();
        Map<String, String> settings = new HashMap<>();
        settings.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(COMMAND_REQUEST_TIMEOUT_MS));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(COMMAND_API_TIMEOUT_MS));
        settings.putAll(connection.settings());
        // The admin client refuses an API timeout below its request timeout, which the file may have raised.
        int request = Integer.parseInt(settings.get(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG));
        settings.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(COMMAND_API_TIMEOUT_MS, request)));
        // The producer refuses a delivery timeout below its request timeout plus linger.ms (the factory's are small).
        settings.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(COMMAND_DELIVERY_TIMEOUT_MS, request + 1_000)));
        return new KafkaConnection(connection.bootstrapServers(), settings);
    }

    static final int COMMAND_REQUEST_TIMEOUT_MS = 10_000;
    static final int COMMAND_API_TIMEOUT_MS = 15_000;
    public static final int COMMAND_DELIVERY_TIMEOUT_MS = 30_000;

    /** Admin client settings of {@link #commandConnection()}. */
    public Map<String, Object> adminConfig() {
        return commandConnection().clientConfig();
    }
}
