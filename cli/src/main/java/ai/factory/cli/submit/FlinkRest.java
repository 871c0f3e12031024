package ai.factory.cli.submit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The few calls of Flink's REST API (the JobManager's port 8081) that submit and watch jobs: upload a job jar, run it,
 * list jobs, a job's state, its latest retained checkpoint, cancel. Every call is bounded by the timeout it is given.
 */
public final class FlinkRest {

    /** A job as {@code GET /jobs/overview} lists it. */
    public record Job(String id, String name, String state) {
        /** Not ended: created, initializing, running, restarting, failing, cancelling... */
        public boolean active() {
            return !List.of("FINISHED", "FAILED", "CANCELED", "SUSPENDED").contains(state);
        }
    }

    /** What {@code POST /jars/{id}/run} takes: the main's arguments, the default parallelism, a checkpoint to restore. */
    public record RunRequest(List<String> args, int parallelism, String savepointPath) {
        /** The request's JSON fields. */
        public Map<String, Object> json() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("programArgsList", args);
            body.put("parallelism", parallelism);
            if (savepointPath != null) {
                body.put("savepointPath", savepointPath);
            }
            return body;
        }
    }

    /** A call that failed: the cluster was not there, or it refused (the message is Flink's, shortened to its cause). */
    public static final class FlinkRestException extends IOException {
        private final String refusal;

        FlinkRestException(String message, Throwable cause) {
            this(message, null, cause);
        }

        FlinkRestException(String message, String refusal, Throwable cause) {
            super(message, cause);
            this.refusal = refusal;
        }

        /** The cluster's reason when it answered with a refusal, else the message. */
        public String reason() {
            return refusal != null ? refusal : getMessage();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    public FlinkRest(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.base = URI.create(trimmed);
        if (base.getScheme() == null || base.getHost() == null) {
            throw new IllegalArgumentException("--flink must be a URL like http://jobmanager:8081, was '" + url + "'");
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String url() {
        return base.toString();
    }

    /** Every job the cluster knows, running or ended. */
    public List<Job> jobs(Duration timeout) throws IOException, InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : call(get("/jobs/overview", timeout)).path("jobs")) {
            jobs.add(new Job(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText()));
        }
        return jobs;
    }

    /** Uploads a job jar; returns the id the cluster gave it. */
    public String upload(Path jar, Duration timeout) throws IOException, InterruptedException {
        Multipart body = Multipart.random();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(base.getPath() + "/jars/upload"))
                .header("Content-Type", body.contentType()).timeout(timeout)
                .POST(body.of("jarfile", jar)).build();
        String file = call(request).path("filename").asText();
        return Path.of(file).getFileName().toString();
    }

    /** Runs an uploaded jar's main; returns the id of the job it submitted. */
    public String run(String jarId, RunRequest run, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(base.getPath() + "/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json").timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(run.json()))).build();
        return call(request).path("jobid").asText();
    }

    /** Removes an uploaded jar (a submitted job keeps its own copy). */
    public void deleteJar(String jarId, Duration timeout) throws IOException, InterruptedException {
        call(HttpRequest.newBuilder(base.resolve(base.getPath() + "/jars/" + jarId)).timeout(timeout).DELETE().build());
    }

    /** The job's state: CREATED, INITIALIZING, RUNNING, RESTARTING, FAILED, CANCELED... */
    public String state(String jobId, Duration timeout) throws IOException, InterruptedException {
        return call(get("/jobs/" + jobId, timeout)).path("state").asText();
    }

    /** The first line of the job's root exception, if it has one. */
    public Optional<String> rootException(String jobId, Duration timeout) throws IOException, InterruptedException {
        String root = call(get("/jobs/" + jobId + "/exceptions", timeout)).path("root-exception").asText("");
        return root.isBlank() ? Optional.empty() : Optional.of(root.lines().findFirst().orElse(root));
    }

    /** Where the job's latest completed checkpoint was written, if it has one. */
    public Optional<String> latestCheckpoint(String jobId, Duration timeout) throws IOException, InterruptedException {
        JsonNode completed = call(get("/jobs/" + jobId + "/checkpoints", timeout)).path("latest").path("completed");
        String path = completed.path("external_path").asText("");
        return path.isBlank() || path.startsWith("<") ? Optional.empty() : Optional.of(path);
    }

    /** Cancels the job (its checkpoints are kept when the job retains them on cancellation). */
    public void cancel(String jobId, Duration timeout) throws IOException, InterruptedException {
        call(HttpRequest.newBuilder(base.resolve(base.getPath() + "/jobs/" + jobId + "?mode=cancel")).timeout(timeout)
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    private HttpRequest get(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(timeout).GET().build();
    }

    private JsonNode call(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpTimeoutException e) {
            throw new FlinkRestException("no answer from the Flink cluster at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw new FlinkRestException("cannot reach the Flink cluster at " + base + ": " + e, e);
        }
        if (response.statusCode() / 100 != 2) {
            String refusal = refusal(response.body());
            throw new FlinkRestException(request.method() + " " + request.uri().getPath() + " refused (HTTP "
                    + response.statusCode() + "): " + refusal, refusal, null);
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /**
     * The cause Flink gives in an error body ({@code {"errors": ["...stack trace..."]}}): the last {@code Caused by}
     * line, which is the job main's own exception when the main refused its arguments, else the first line.
     */
    static String refusal(String body) {
        String text = body;
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                StringBuilder all = new StringBuilder();
                errors.forEach(e -> all.append(e.asText()).append('\n'));
                text = all.toString();
            }
        } catch (IOException notJson) {
            // Not Flink's JSON (a proxy's page, say): the body as it is.
        }
        String cause = null;
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.startsWith("Caused by: ")) {
                cause = l.substring("Caused by: ".length());
            }
        }
        String line = cause != null ? cause : text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(body);
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }
}
