package ai.factory.ops.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import ai.factory.metrics.MetricsEndpoint;
import ai.factory.ops.OpsService;
import ai.factory.ops.explain.EventNotFoundException;
import ai.factory.ops.explain.TraceOptions;
import ai.factory.ops.lag.LagSnapshot;
import ai.factory.ops.models.ModelActionException;
import ai.factory.ops.models.ModelBook;
import ai.factory.ops.models.ModelOverview;
import ai.factory.ops.models.ModelVersionView;
import ai.factory.release.ReleaseRefusedException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard page, its JSON API and the Prometheus endpoint, on the JDK's HTTP server.
 *
 * <p>GET {@code /}, {@code /api/lag}, {@code /api/lag/history?group=}, {@code /api/pipeline}, {@code /api/models}
 * (per model its champion, lineage, latest decisions and counts by status, {@link ModelBook#overviews()}),
 * {@code /api/models/releases?model=&page=&size=} (every release, a page at a time),
 * {@code /api/models/version?model=&version=} (any version), {@code /api/quality},
 * {@code /api/freshness} (the listed releases), {@code /api/explain?event=&around=} (what the topics say about one
 * event, {@link #EXPLAIN}), {@code /api/cost} (CPU per unit of work), {@code /api/health}, {@code /metrics}; POST
 * {@code /api/models/promote?model=&version=} (any version, listed or not), {@code /api/models/rollback?model=} and
 * {@code /api/models/resume?model=} (a held trainer publishes again) with the token. Every response's size is bounded, whatever the length of the run.
 *
 * <p>The token goes in {@code Authorization: Bearer TOKEN} or {@code X-Factory-Token: TOKEN}. POSTs always need it;
 * GETs need it when {@link ConsoleAccess#readsNeedToken(String)} says so, every one but the page itself: the page
 * is the same static file in every install, holds no data, and asks for the token before its first fetch. HTTPS when
 * {@link ConsoleAccess} has a keystore.
 */
public final class OpsHttpServer implements AutoCloseable {

    /** Header that carries the token, besides {@code Authorization: Bearer}. */
    public static final String TOKEN_HEADER = "X-Factory-Token";
    private static final String BEARER = "Bearer ";

    private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final String PAGE = "/ai/factory/ops/web/index.html";
    /**
     * The bounds of one search of {@code /api/explain}: smaller than the command line's, as a page waits for it and it
     * holds one of the server's few threads.
     */
    public static final TraceOptions EXPLAIN = TraceOptions.defaults().withBudget(500_000, Duration.ofSeconds(20));

    private final OpsService service;
    private final PrometheusMeterRegistry prometheus;
    private final ConsoleAccess access;
    private final boolean readsNeedToken;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    /** One search of the topics at a time: a second one is refused at once rather than queued behind the first. */
    private final Semaphore explaining = new Semaphore(1);

    /**
     * Binds to {@code host:port} (0 = a free port); call {@link #start()} to serve. An
     * {@link IllegalArgumentException} when {@code access} does not allow serving on {@code host}.
     */
    public OpsHttpServer(OpsService service, PrometheusMeterRegistry prometheus, String host, int port, ConsoleAccess access)
            throws IOException {
        this.service = service;
        this.prometheus = prometheus;
        this.access = access;
        access.requireUsableOn(host);
        this.readsNeedToken = access.readsNeedToken(host);
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (access.tls()) {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(access.sslContext()));
            this.server = https;
        } else {
            this.server = HttpServer.create(address, 64);
        }
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "factory-ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code https} with a keystore, else {@code http}. */
    public String scheme() {
        return access.tls() ? "https" : "http";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (method.equals("POST")) {
                handlePost(exchange, path, query);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(exchange, 405, "text/plain", "method not allowed");
                return;
            }
            if (path.equals("/") || path.equals("/index.html")) {
                sendPage(exchange);
                return;
            }
            if (readsNeedToken && !authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"factory-ops\"");
                sendJson(exchange, 401, Map.of("error", "this console needs the token: Authorization: Bearer TOKEN"));
                return;
            }
            switch (path) {
                case "/metrics" -> send(exchange, 200, MetricsEndpoint.CONTENT_TYPE, prometheus.scrape());
                case "/api/health" -> sendJson(exchange, 200, Map.of("ok", true, "sampledAt", service.lag().snapshot().sampledAt()));
                case "/api/lag" -> sendJson(exchange, 200, service.lag().snapshot());
                case "/api/lag/history" -> history(exchange, query.get("group"));
                case "/api/pipeline" -> pipeline(exchange);
                case "/api/models" -> models(exchange);
                case "/api/models/version" -> version(exchange, query);
                case "/api/models/releases" -> releases(exchange, query);
                case "/api/quality" -> sendJson(exchange, 200, Map.of("series", service.quality().series()));
                case "/api/freshness" -> sendJson(exchange, 200, Map.of("releases", service.freshness()));
                case "/api/explain" -> explain(exchange, query);
                case "/api/cost" -> sendJson(exchange, 200, service.cost());
                default -> send(exchange, 404, "text/plain", "not found: " + path);
            }
        } catch (RuntimeException e) {
            log.warn("Request {} failed: {}", exchange.getRequestURI(), e.toString());
            sendQuietly(exchange, e);
        }
    }

    private void history(HttpExchange exchange, String group) throws IOException {
        if (group == null) {
            sendJson(exchange, 400, Map.of("error", "missing ?group="));
            return;
        }
        sendJson(exchange, 200, Map.of("group", group, "points", service.lag().history(group)));
    }

    /**
     * The first screen: per model its champion, lineage, latest decisions and counts by status; {@code versions} holds
     * each release shown there once (the champion marked). Bounded whatever the number of releases.
     */
    private void models(HttpExchange exchange) throws IOException {
        List<ModelOverview> overviews = service.models().overviews();
        Set<ModelVersionView> shown = new LinkedHashSet<>();
        for (ModelOverview model : overviews) {
            if (model.champion() != null) {
                shown.add(model.champion());
            }
            shown.addAll(model.lineage());
            shown.addAll(model.decisions());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("models", overviews);
        body.put("versions", shown);
        body.put("lineageLimit", ModelBook.LINEAGE);
        body.put("decisionsLimit", ModelBook.DECISIONS);
        body.put("total", overviews.stream().mapToInt(ModelOverview::total).sum());
        body.put("actionsEnabled", access.actionsEnabled());
        sendJson(exchange, 200, body);
    }

    /** Every release of one model, a page at a time: {@code ?model=&page=0&size=50}. */
    private void releases(HttpExchange exchange, Map<String, String> query) throws IOException {
        String model = query.get("model");
        if (model == null) {
            sendJson(exchange, 400, Map.of("error", "missing ?model="));
            return;
        }
        try {
            int page = Integer.parseInt(query.getOrDefault("page", "0"));
            int size = Integer.parseInt(query.getOrDefault("size", "50"));
            sendJson(exchange, 200, service.models().page(model, page, size));
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: a bad page or size is the client's error.
            sendJson(exchange, 400, Map.of("error", "page must be 0 or more and size 1 to " + ModelBook.MAX_PAGE_SIZE));
        }
    }

    /** Any one version, listed or not. */
    private void version(HttpExchange exchange, Map<String, String> query) throws IOException {
        String model = query.get("model");
        long version;
        try {
            version = Long.parseLong(query.getOrDefault("version", ""));
        } catch (NumberFormatException e) {
            sendJson(exchange, 400, Map.of("error", "version must be a number"));
            return;
        }
        if (model == null) {
            sendJson(exchange, 400, Map.of("error", "missing ?model="));
            return;
        }
        var found = service.models().book().version(model, version);
        if (found.isPresent()) {
            sendJson(exchange, 200, found.get());
        } else {
            sendJson(exchange, 404, Map.of("error", "no release " + model + "/" + version));
        }
    }

    /**
     * What the topics say about one event: {@code ?event=ID}, optionally {@code &around=} the time it happened (ISO-8601
     * or epoch ms). 404 when it is not found (the message says where the search looked), 503 when Kafka does not
     * answer or another search is running.
     */
    private void explain(HttpExchange exchange, Map<String, String> query) throws IOException {
        String event = query.get("event");
        if (event == null || event.isBlank()) {
            sendJson(exchange, 400, Map.of("error", "missing ?event="));
            return;
        }
        TraceOptions trace = EXPLAIN;
        String around = query.get("around");
        if (around != null && !around.isBlank()) {
            try {
                trace = trace.withAround(around.chars().allMatch(Character::isDigit)
                        ? Instant.ofEpochMilli(Long.parseLong(around)) : Instant.parse(around));
            } catch (DateTimeException | NumberFormatException e) {
                sendJson(exchange, 400, Map.of("error", "around must be an ISO-8601 instant or epoch milliseconds"));
                return;
            }
        }
        if (!explaining.tryAcquire()) {
            sendJson(exchange, 503, Map.of("error", "another event is being searched; try again in a moment"));
            return;
        }
        try {
            sendJson(exchange, 200, service.explain(event.trim(), trace));
        } catch (EventNotFoundException e) {
            sendJson(exchange, 404, Map.of("error", e.getMessage()));
        } catch (KafkaException e) {
            sendJson(exchange, 503, Map.of("error", "Kafka did not answer: " + e.getMessage()));
        } finally {
            explaining.release();
        }
    }

    private void pipeline(HttpExchange exchange) throws IOException {
        LagSnapshot lag = service.lag().snapshot();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sampledAt", lag.sampledAt());
        body.put("stages", service.pipeline().stages(lag));
        body.put("topics", service.pipeline().topicRates());
        sendJson(exchange, 200, body);
    }

    private void handlePost(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        if (!access.actionsEnabled()) {
            sendJson(exchange, 403, Map.of("error", "model actions are disabled: start ops with " + ConsoleAccess.TOKEN_ENV + " set"));
            return;
        }
        if (!authorized(exchange)) {
            sendJson(exchange, 401, Map.of("error", "missing or wrong token (Authorization: Bearer or " + TOKEN_HEADER + ")"));
            return;
        }
        String model = query.get("model");
        if (model == null) {
            sendJson(exchange, 400, Map.of("error", "missing ?model="));
            return;
        }
        try {
            switch (path) {
                case "/api/models/promote" -> {
                    long version = Long.parseLong(query.getOrDefault("version", ""));
                    sendJson(exchange, 200, service.models().promote(model, version, ""));
                }
                case "/api/models/rollback" -> sendJson(exchange, 200, service.models().rollback(model, ""));
                case "/api/models/resume" -> sendJson(exchange, 200, service.models().resume(model, ""));
                default -> send(exchange, 404, "text/plain", "not found: " + path);
            }
        } catch (ModelActionException | ReleaseRefusedException e) {
            sendJson(exchange, 409, Map.of("error", e.getMessage()));
        } catch (NumberFormatException e) {
            sendJson(exchange, 400, Map.of("error", "version must be a number"));
        }
    }

    /** Whether the request carries the token, as a Bearer credential or in {@link #TOKEN_HEADER}. */
    private boolean authorized(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && access.matches(authorization.substring(BEARER.length()).trim())) {
            return true;
        }
        return access.matches(exchange.getRequestHeaders().getFirst(TOKEN_HEADER));
    }

    private void sendPage(HttpExchange exchange) throws IOException {
        try (InputStream in = OpsHttpServer.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                send(exchange, 500, "text/plain", "dashboard page missing from the jar");
                return;
            }
            // The page holds the token and the model actions: no other site may frame it.
            exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
            exchange.getResponseHeaders().set("Content-Security-Policy", "frame-ancestors 'none'");
            sendBytes(exchange, 200, "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        sendBytes(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        sendBytes(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void sendBytes(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void sendQuietly(HttpExchange exchange, RuntimeException e) {
        try {
            sendJson(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
        } catch (IOException | RuntimeException again) {
            // Headers may already be out; the client sees a cut response, the log has the cause.
            log.debug("Could not report the failure to the client: {}", again.toString());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
