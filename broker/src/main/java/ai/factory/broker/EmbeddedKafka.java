package ai.factory.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) running inside this JVM on loopback.
 *
 * <p>It is the same broker code that runs a Kafka cluster, started in-process: the embedded mode and
 * the tests use it, so their claims about Kafka hold for a real broker. Storage lives in a temporary
 * folder that {@link #close()} removes unless the caller supplied its own.
 *
 * <p>Started with {@link Settings#withSecurity()}, its one client listener is SASL_SSL (SCRAM-SHA-512 over TLS with a CA
 * made at start), the standard KRaft authorizer checks ACLs, and {@link #security()} creates users, grants ACLs and
 * writes client settings files. The TLS stores live in the storage folder's {@code tls} folder, removed on close.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final String TLS_FOLDER = "tls";

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final String bootstrapServers;
    private final BrokerSecurity security;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean ownsDataDir, String bootstrapServers,
                          BrokerSecurity security) {
        this.server = server;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
    }

    /** Starts a broker on a free loopback port with temporary storage. */
    public static EmbeddedKafka start() {
        return start(new Settings(0, null, Map.of()));
    }

    /** Starts a broker with security on (see {@link Settings#withSecurity()}) on a free loopback port with temporary storage. */
    public static EmbeddedKafka startSecured() {
        return start(new Settings(0, null, Map.of()).withSecurity());
    }

    /** Starts a broker as the settings say; returns once it accepts connections. */
    public static EmbeddedKafka start(Settings settings) {
        boolean ownsDir = settings.dataDir() == null;
        Path dir;
        try {
            dir = ownsDir ? Files.createTempDirectory("factory-kafka-") : Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker storage folder", e);
        }
        int brokerPort = settings.port() == 0 ? freePort() : settings.port();
        int controllerPort = freePort();
        Properties props = brokerProperties(dir, brokerPort, controllerPort);
        String bootstrap = HOST + ":" + brokerPort;
        BrokerSecurity security = null;
        try {
            if (settings.secured()) {
                security = BrokerSecurity.create(bootstrap, TlsMaterial.generate(dir.resolve(TLS_FOLDER), HOST));
                props.putAll(security.brokerProperties(brokerPort, controllerPort, HOST));
            }
            props.putAll(settings.overrides());
            format(dir, props, security == null ? new String[0] : security.formatArguments());
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            log.info("Embedded Kafka broker up at {}{} (storage {})", bootstrap,
                    security == null ? "" : " (SASL_SSL, SCRAM-SHA-512, ACLs)", dir);
            return new EmbeddedKafka(server, dir, ownsDir, bootstrap, security);
        } catch (RuntimeException e) {
            if (ownsDir) {
                deleteRecursively(dir);
            } else {
                deleteRecursively(dir.resolve(TLS_FOLDER));
            }
            throw e;
        }
    }

    /** The {@code bootstrap.servers} value clients connect with. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Whether the broker was started with security on. */
    public boolean secured() {
        return security != null;
    }

    /**
     * Users, ACLs and client settings of a broker started with security on.
     *
     * @throws IllegalStateException when the broker runs without security
     */
    public BrokerSecurity security() {
        if (security == null) {
            throw new IllegalStateException("the broker at " + bootstrapServers + " runs without security");
        }
        return security;
    }

    /** The folder holding the broker's logs and metadata. */
    public Path dataDir() {
        return dataDir;
    }

    /** Blocks until the broker has shut down (after {@link #close()} from another thread). */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        } else {
            // Key stores never outlive the broker, even when its storage does.
            deleteRecursively(dataDir.resolve(TLS_FOLDER));
        }
        log.info("Embedded Kafka broker at {} stopped", bootstrapServers);
    }

    private static Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());
        p.put("metadata.log.dir", dir.resolve("metadata").toString());
        // One node: every internal topic has one replica, and transactions need no quorum of three.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The 128 MiB default cleaner buffer would dominate a small heap.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        p.put("log.cleaner.io.buffer.size", String.valueOf(256 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        // Model releases carry ONNX bytes; topics raise their own limit, the broker default stays.
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    private static void format(Path dir, Properties props, String[] extraArguments) {
        Path config = dir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "embedded broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write broker configuration", e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        List<String> arguments = new ArrayList<>(List.of("format", "--cluster-id", clusterId(dir),
                "--config", config.toString(), "--ignore-formatted"));
        arguments.addAll(List.of(extraArguments));
        try (PrintStream ps = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(arguments.toArray(String[]::new), ps);
        } finally {
            if (extraArguments.length > 0) {
                // A secured broker's file holds its super user's password; the running broker never reads it again.
                try {
                    Files.deleteIfExists(config);
                } catch (IOException e) {
                    log.warn("Could not remove {}: {}", config, e.toString());
                }
            }
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting broker storage failed: " + captured.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * The cluster id already written in the storage (a broker restarted on its --data-dir), else a new one: formatting
     * part of a kept storage with a new id would make the broker refuse its own logs.
     */
    private static String clusterId(Path dir) {
        for (String folder : List.of("metadata", "logs")) {
            Path meta = dir.resolve(folder).resolve("meta.properties");
            if (Files.isRegularFile(meta)) {
                Properties p = new Properties();
                try (var in = Files.newInputStream(meta)) {
                    p.load(in);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + meta, e);
                }
                String id = p.getProperty("cluster.id");
                if (id != null && !id.isBlank()) {
                    return id;
                }
            }
        }
        return Uuid.randomUuid().toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not remove broker storage {}: {}", dir, e.toString());
        }
    }

    /**
     * How to start a broker.
     *
     * @param port      loopback port of the client listener, 0 for a free one
     * @param dataDir   storage folder that survives close, or null for a temporary one
     * @param overrides extra broker properties, applied last
     * @param secured   a SASL_SSL listener (SCRAM-SHA-512) and the standard authorizer instead of plaintext, open to all
     */
    public record Settings(int port, Path dataDir, Map<String, String> overrides, boolean secured) {
        public Settings {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            overrides = Map.copyOf(overrides);
        }

        /** A plaintext broker open to every client. */
        public Settings(int port, Path dataDir, Map<String, String> overrides) {
            this(port, dataDir, overrides, false);
        }

        /** These settings with security on: SASL_SSL with SCRAM-SHA-512, a CA made at start, ACLs enforced. */
        public Settings withSecurity() {
            return new Settings(port, dataDir, overrides, true);
        }
    }
}
