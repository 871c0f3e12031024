package ai.factory.it.cluster;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;

/**
 * A real Flink session cluster on loopback: a JobManager and TaskManagers as separate JVMs started from the Maven
 * artifacts on this test's class path (no distribution tarball), driven through Flink's REST API as a user would.
 */
public final class FlinkSessionCluster implements AutoCloseable {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final List<String> JAVA17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path home;
    private final Path configDir;
    private final int restPort;
    private final String classPath;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private FlinkSessionCluster(Path home, Path configDir, int restPort, String classPath, Process jobManager) {
        this.home = home;
        this.configDir = configDir;
        this.restPort = restPort;
        this.classPath = classPath;
        this.jobManager = jobManager;
    }

    /** Starts a JobManager and {@code taskManagers} TaskManagers with two slots each; returns when all slots are registered. */
    public static FlinkSessionCluster start(Path home, int taskManagers) throws IOException {
        Path configDir = Files.createDirectories(home.resolve("conf"));
        int restPort = freePort();
        Files.writeString(configDir.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: 2",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.memory.process.size: 1024m",
                "taskmanager.memory.managed.fraction: 0.1",
                // A lost TaskManager costs one restore, not a string of restarts on its dead slots.
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 10000",
                "execution.checkpointing.dir: file://" + home.resolve("checkpoints"),
                "web.upload.dir: " + home.resolve("uploads"),
                "io.tmp.dirs: " + home.resolve("tmp"),
                ""));
        Files.createDirectories(home.resolve("uploads"));
        Files.writeString(home.resolve("logback.xml"), String.join("\n",
                "<configuration>",
                "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>",
                "  </appender>",
                "  <root level=\"INFO\"><appender-ref ref=\"OUT\"/></root>",
                "</configuration>", ""));
        Files.createDirectories(home.resolve("tmp"));
        String classPath = clusterClassPath();
        Process jm = launch(home, configDir, classPath, "jobmanager",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "GET_JM_RESOURCE_PARAMS");
        FlinkSessionCluster cluster = new FlinkSessionCluster(home, configDir, restPort, classPath, jm);
        try {
            for (int i = 0; i < taskManagers; i++) {
                cluster.addTaskManager();
            }
            cluster.awaitSlots(2 * taskManagers);
            return cluster;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e;
        }
    }

    /** Jars a Flink distribution does not have: the jobs bring them (shaded into their job jar) or do without. */
    private static final List<String> NOT_IN_FLINK = List.of("factory-", "kafka", "flink-connector-kafka", "avro",
            "flink-avro", "onnxruntime", "tribuo", "protobuf", "picocli", "micrometer", "rocksdbjni", "scala",
            "junit", "assertj", "awaitility", "opentest4j", "byte-buddy");

    /**
     * This JVM's class path less the factory's modules and the libraries jobs must bring themselves: like a Flink
     * distribution, the cluster knows nothing of the jobs, which must carry their code in their job jar.
     */
    private static String clusterClassPath() {
        String sep = java.io.File.pathSeparator;
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.util.regex.Pattern.quote(sep)))
                .filter(entry -> !entry.contains(java.io.File.separator + "target" + java.io.File.separator))
                .filter(entry -> NOT_IN_FLINK.stream().noneMatch(Path.of(entry).getFileName().toString()::startsWith))
                .collect(java.util.stream.Collectors.joining(sep));
    }

    /** Starts one more TaskManager process. */
    public Process addTaskManager() throws IOException {
        Process tm = launch(home, configDir, classPath, "taskmanager-" + taskManagers.size(),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "GET_TM_RESOURCE_PARAMS");
        taskManagers.add(tm);
        return tm;
    }

    public List<Process> taskManagers() {
        return List.copyOf(taskManagers);
    }

    /** Base URL of the REST API (and web UI). */
    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** Waits until the cluster offers at least {@code slots} task slots. */
    public void awaitSlots(int slots) {
        Awaitility.await("Flink cluster with " + slots + " slots").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    if (!jobManager.isAlive()) {
                        throw new IllegalStateException("JobManager exited; see " + home.resolve("jobmanager.log"));
                    }
                    return get("/overview").path("slots-total").asInt() >= slots;
                });
    }

    /** Uploads a job jar and runs it with {@code args}; returns the job id. */
    public String submit(Path jar, List<String> args, int parallelism) throws IOException, InterruptedException {
        String boundary = "----factory" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest upload = HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        JsonNode uploaded = send(upload);
        String file = uploaded.path("filename").asText();
        String jarId = Path.of(file).getFileName().toString();
        String body = json.writeValueAsString(Map.of("programArgsList", args, "parallelism", parallelism));
        HttpRequest run = HttpRequest.newBuilder(URI.create(restUrl() + "/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(run).path("jobid").asText();
    }

    /** The job's state as the REST API reports it (RUNNING, RESTARTING, FAILED, ...). */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Cancels a job (no-op if it already ended). */
    public void cancel(String jobId) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(request.method() + " " + request.uri() + " -> " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    @Override
    public void close() {
        for (Process tm : taskManagers) {
            stop(tm);
        }
        stop(jobManager);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Starts an entry point with the memory flags and dynamic properties Flink's own scripts would compute. */
    private static Process launch(Path home, Path configDir, String classPath, String name, String mainClass,
                                  String resourceCommand) throws IOException {
        List<String> resources = bashJavaUtils(configDir, classPath, resourceCommand);
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(splitArgs(resources.get(0)));
        cmd.addAll(JAVA17_OPENS);
        cmd.add("-Dlog.file=" + home.resolve(name + ".log"));
        cmd.add("-Dlogback.configurationFile=" + home.resolve("logback.xml"));
        cmd.add("-Djava.io.tmpdir=" + home.resolve("tmp"));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(configDir.toString());
        cmd.addAll(splitArgs(resources.get(1)));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile())
                .start();
    }

    private static List<String> bashJavaUtils(Path configDir, String classPath, String command) throws IOException {
        Process p = new ProcessBuilder(JAVA, "-cp", classPath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command, "--configDir", configDir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("BashJavaUtils " + command + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        List<String> results = output.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        if (results.size() < 2) {
            throw new IOException("BashJavaUtils " + command + " gave no resource parameters:\n" + output);
        }
        return results.subList(results.size() - 2, results.size());
    }

    private static List<String> splitArgs(String line) {
        return line.isBlank() ? List.of() : List.of(line.trim().split("\\s+"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
