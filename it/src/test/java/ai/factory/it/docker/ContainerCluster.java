package ai.factory.it.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import org.awaitility.Awaitility;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * The topology of {@code docker/compose.yaml}, from the same images with the same settings, started by
 * Testcontainers on a network of its own: three KRaft brokers (replication 3, {@code min.insync.replicas} 2), a Flink
 * JobManager and two TaskManagers with file-system checkpoints, the job submitter, scorers, the feedback app and the
 * ops dashboard. The host reaches it only through ports published on 127.0.0.1; each container's output goes to a
 * file of its own. Faults are made the way they happen: {@code docker kill}, {@code docker stop}, then a start of the
 * same container (as a restart policy would).
 */
final class ContainerCluster implements AutoCloseable {

    static final String CLUSTER_ID = "Y4UHbaIcRUy4fEPVeTeuGw";
    static final String MODEL = "flights";
    static final String SPEC = "classpath:specs/flights.json";
    static final String OPS_TOKEN = "cluster-suite-admin-token";

    private final Path logs;
    private final int partitions;
    private final Network network = Network.newNetwork();
    private final int[] brokerPorts = {freePort(), freePort(), freePort()};
    private final int restPort = freePort();
    private final int opsPort = freePort();
    private final List<GenericContainer<?>> brokers = new ArrayList<>();
    private final List<GenericContainer<?>> taskManagers = new ArrayList<>();
    private final List<GenericContainer<?>> scorers = new ArrayList<>();
    private final List<GenericContainer<?>> all = new ArrayList<>();
    private final String checkpointVolume = "ai-factory-suite-checkpoints-" + ProcessHandle.current().pid();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private GenericContainer<?> jobManager;
    private String submitterOutput = "";
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Without Testcontainers' reaper nothing else removes the containers of a JVM that is stopped mid-suite. */
    private final Thread removeOnExit = new Thread(this::close, "cluster-suite-cleanup");

    private ContainerCluster(Path logs, int partitions) {
        this.logs = logs;
        this.partitions = partitions;
    }

    /** Starts the whole topology and submits both jobs; returns once every service is up. */
    static ContainerCluster start(Path logs, int partitions, int scorers) throws IOException {
        Files.createDirectories(logs);
        ContainerCluster cluster = new ContainerCluster(logs, partitions);
        Runtime.getRuntime().addShutdownHook(cluster.removeOnExit);
        try {
            cluster.startKafkaAndFlink();
            cluster.submitJobs();
            List<GenericContainer<?>> services = new ArrayList<>();
            for (int i = 1; i <= scorers; i++) {
                services.add(cluster.scorer(i));
            }
            services.add(cluster.feedback());
            services.add(cluster.ops());
            Startables.deepStart(services).join();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startKafkaAndFlink() {
        for (int id = 1; id <= 3; id++) {
            brokers.add(broker(id));
        }
        jobManager = flinkNode("jobmanager", "jobmanager").withNetworkAliases("jobmanager")
                .withCreateContainerCmdModifier(cmd -> cmd.withHostName("jobmanager"))
                .withCreateContainerCmdModifier(publish(restPort, 8081))
                .waitingFor(Wait.forLogMessage(".*Rest endpoint listening at.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
        for (int i = 1; i <= 2; i++) {
            taskManagers.add(taskManager(i));
        }
        // The brokers form their quorum together: started one by one, the first would wait for the others.
        List<GenericContainer<?>> first = new ArrayList<>(brokers);
        first.add(jobManager);
        Startables.deepStart(first).join();
        Startables.deepStart(taskManagers).join();
        awaitSlots(4);
    }

    private GenericContainer<?> broker(int id) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_CLUSTER_ID", CLUSTER_ID);
        env.put("KAFKA_HEAP_OPTS", "-Xms256m -Xmx512m");
        env.put("KAFKA_NODE_ID", "" + id);
        env.put("KAFKA_PROCESS_ROLES", "broker,controller");
        env.put("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
        env.put("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
        env.put("KAFKA_LISTENERS", "INTERNAL://:9092,EXTERNAL://:19092,CONTROLLER://:9093");
        env.put("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka-" + id + ":9092,EXTERNAL://127.0.0.1:" + brokerPorts[id - 1]);
        env.put("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        env.put("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL");
        env.put("KAFKA_DEFAULT_REPLICATION_FACTOR", "3");
        env.put("KAFKA_MIN_INSYNC_REPLICAS", "2");
        env.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3");
        env.put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3");
        env.put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
        env.put("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        env.put("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        env.put("KAFKA_REPLICA_FETCH_MAX_BYTES", "67108864");
        env.put("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", "16777216");
        String name = "kafka-" + id;
        return container(ProjectImages.KAFKA, name).withNetworkAliases(name).withEnv(env)
                .withCreateContainerCmdModifier(cmd -> cmd.withHostName(name))
                .withCreateContainerCmdModifier(publish(brokerPorts[id - 1], 19092))
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
    }

    private GenericContainer<?> flinkNode(String role, String name) {
        return container(ProjectImages.FLINK, name).withCommand(role)
                .withEnv("FLINK_PROPERTIES", String.join("\n",
                        "jobmanager.rpc.address: jobmanager",
                        "execution.checkpointing.dir: file:///checkpoints",
                        "execution.checkpointing.savepoint-dir: file:///checkpoints/savepoints",
                        "taskmanager.numberOfTaskSlots: 2",
                        "taskmanager.memory.process.size: 1024m",
                        "jobmanager.memory.process.size: 768m"))
                // The compose file's shared checkpoints volume (a named volume: a bind mount of a host folder would
                // make Testcontainers pull an image to probe whether mounting works).
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withBinds(new Bind(checkpointVolume, new Volume("/checkpoints"))));
    }

    private GenericContainer<?> taskManager(int i) {
        return flinkNode("taskmanager", "taskmanager-" + i)
                .waitingFor(Wait.forLogMessage(".*Successful registration at resource manager.*", 1)
                        .withStartupTimeout(Duration.ofMinutes(3)));
    }

    /** {@code factory submit} in the factory image, as the compose file's submitter runs it; waits for it to exit 0. */
    private void submitJobs() {
        GenericContainer<?> submitter = factory("submitter").withCommand("submit", "--flink", "http://jobmanager:8081",
                        "--spec", SPEC, "--checkpoint-dir", "file:///checkpoints", "--partitions", "" + partitions, "--retention", "forever",
                        "--timeout", "5m", "--trainer-arg=--profile=demo",
                        "--ingest-arg=--exactly-once", "--ingest-arg=--checkpoint-interval=2s")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(6)));
        StringBuilder out = new StringBuilder();
        submitter.withLogConsumer(frame -> out.append(frame.getUtf8String()));
        try {
            submitter.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("factory submit failed; its output:\n" + out, e);
        }
        submitterOutput = out.toString();
    }

    GenericContainer<?> scorer(int i) {
        GenericContainer<?> scorer = factory("scorer-" + i).withCommand("score", "--model", MODEL, "--instance", "scorer-" + i)
                .waitingFor(Wait.forLogMessage(".*Scorer scorer-" + i + " serving model.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
        scorers.add(scorer);
        return scorer;
    }

    private GenericContainer<?> feedback() {
        return factory("feedback").withCommand("feedback", "--spec", SPEC, "--no-create-topics", "--policy", "first",
                        "--window", "1d", "--grace", "0s")
                .waitingFor(Wait.forLogMessage(".*Feedback app .* started.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
    }

    private GenericContainer<?> ops() {
        return factory("ops").withCommand("ops", "--host", "0.0.0.0", "--port", "8080")
                .withEnv("FACTORY_OPS_TOKEN", OPS_TOKEN)
                .withCreateContainerCmdModifier(publish(opsPort, 8080))
                .waitingFor(Wait.forLogMessage(".*dashboard=.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
    }

    private GenericContainer<?> factory(String name) {
        return container(ProjectImages.FACTORY, name)
                .withEnv("FACTORY_BOOTSTRAP", "kafka-1:9092,kafka-2:9092,kafka-3:9092")
                .withEnv("FACTORY_HEAP", "512m");
    }

    private GenericContainer<?> container(String image, String name) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image)).withNetwork(network)
                .withCreateContainerCmdModifier(cmd -> cmd.withName("ai-factory-suite-" + name + "-" + ProcessHandle.current().pid()))
                .withLogConsumer(logTo(logs.resolve(name + ".log")))
                .withLabel("ai.factory.suite", "cluster");
        all.add(container);
        return container;
    }

    /** The names of the long-running services (all but the submitter, which exits) that are not running now. */
    List<String> servicesNotRunning() {
        DockerClient docker = DockerClientFactory.instance().client();
        List<String> down = new ArrayList<>();
        for (GenericContainer<?> c : all) {
            if (c.getContainerId() == null) {
                continue;
            }
            var state = docker.inspectContainerCmd(c.getContainerId()).exec();
            if (!state.getName().contains("-submitter-") && !Boolean.TRUE.equals(state.getState().getRunning())) {
                down.add(state.getName());
            }
        }
        return down;
    }

    /** Starts one more scorer in the same consumer group: its partitions are rebalanced across all of them. */
    GenericContainer<?> addScorer() {
        GenericContainer<?> scorer = scorer(scorers.size() + 1);
        scorer.start();
        return scorer;
    }

    /** {@code docker kill} (SIGKILL) of a container, then a start of the same container, as a restart policy would. */
    void killAndRestart(GenericContainer<?> container) {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.killContainerCmd(container.getContainerId()).exec();
        Awaitility.await("container killed").atMost(Duration.ofSeconds(30))
                .until(() -> !Boolean.TRUE.equals(docker.inspectContainerCmd(container.getContainerId()).exec().getState().getRunning()));
        docker.startContainerCmd(container.getContainerId()).exec();
    }

    /** {@code docker stop} (SIGTERM, then SIGKILL after 20 s) of a container, which keeps its disk. */
    void stop(GenericContainer<?> container) {
        DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(20).exec();
    }

    /** Starts a stopped container again, with the disk it had. */
    void restart(GenericContainer<?> container) {
        DockerClientFactory.instance().client().startContainerCmd(container.getContainerId()).exec();
    }

    /** The brokers as the host reaches them. */
    String bootstrap() {
        return IntStream.of(brokerPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    List<GenericContainer<?>> brokers() {
        return List.copyOf(brokers);
    }

    List<GenericContainer<?>> taskManagers() {
        return List.copyOf(taskManagers);
    }

    List<GenericContainer<?>> scorers() {
        return List.copyOf(scorers);
    }

    String submitterOutput() {
        return submitterOutput;
    }

    String opsUrl() {
        return "http://127.0.0.1:" + opsPort;
    }

    /** A GET of the JobManager's REST API (Flink's web UI port, published on 127.0.0.1). */
    JsonNode flinkRest(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + " -> " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    /** Name → state of every job the JobManager knows. */
    Map<String, String> jobStates() throws IOException, InterruptedException {
        Map<String, String> states = new HashMap<>();
        for (JsonNode job : flinkRest("/jobs/overview").path("jobs")) {
            states.merge(job.path("name").asText(), job.path("state").asText(),
                    (a, b) -> "RUNNING".equals(a) ? a : b);
        }
        return states;
    }

    /** The TaskManager container that runs the most tasks right now (slots in use). */
    GenericContainer<?> busiestTaskManager() throws IOException, InterruptedException {
        Map<String, Integer> used = new HashMap<>();
        for (JsonNode tm : flinkRest("/taskmanagers").path("taskmanagers")) {
            used.put(tm.path("path").asText(), tm.path("slotsNumber").asInt() - tm.path("freeSlots").asInt());
        }
        GenericContainer<?> busiest = taskManagers.get(0);
        int most = -1;
        for (GenericContainer<?> tm : taskManagers) {
            String ip = tm.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
            int inUse = used.entrySet().stream().filter(e -> e.getKey().contains("@" + ip + ":")).mapToInt(Map.Entry::getValue).sum();
            if (inUse > most) {
                most = inUse;
                busiest = tm;
            }
        }
        return busiest;
    }

    private void awaitSlots(int slots) {
        Awaitility.await("Flink cluster with " + slots + " slots").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> flinkRest("/overview").path("slots-total").asInt() >= slots);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != removeOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(removeOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway; closed makes it a no-op.
            }
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).stop();
            } catch (RuntimeException e) {
                System.err.println("cluster suite: removing a container failed: " + e.getMessage());
            }
        }
        network.close();
        try {
            DockerClientFactory.instance().client().removeVolumeCmd(checkpointVolume).exec();
        } catch (RuntimeException e) {
            System.err.println("cluster suite: removing volume " + checkpointVolume + " failed: " + e.getMessage());
        }
    }

    /** Publishes a container port on 127.0.0.1 only: nothing of the cluster is reachable from outside the machine. */
    private static Consumer<CreateContainerCmd> publish(int hostPort, int containerPort) {
        return cmd -> {
            ExposedPort exposed = ExposedPort.tcp(containerPort);
            List<ExposedPort> exposedPorts = new ArrayList<>(List.of(cmd.getExposedPorts() == null ? new ExposedPort[0] : cmd.getExposedPorts()));
            exposedPorts.add(exposed);
            cmd.withExposedPorts(exposedPorts);
            cmd.getHostConfig().withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), exposed));
        };
    }

    private static Consumer<OutputFrame> logTo(Path file) {
        return frame -> {
            try {
                Files.writeString(file, frame.getUtf8String(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
