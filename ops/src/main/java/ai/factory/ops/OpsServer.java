package ai.factory.ops;

import java.io.IOException;
import java.io.UncheckedIOException;

import ai.factory.ops.web.OpsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ops service with its dashboard, as {@code factory ops} runs it. Start, read {@link #port()}, close. */
public final class OpsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

    private final OpsOptions options;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private OpsService service;
    private OpsHttpServer http;

    public OpsServer(OpsOptions options) {
        this.options = options;
    }

    /** Connects to Kafka, starts sampling and serves the dashboard; returns this. */
    public synchronized OpsServer start() {
        service = new OpsService(options, meters);
        try {
            http = new OpsHttpServer(service, meters, options.httpHost(), options.httpPort(), options.adminToken());
        } catch (IOException e) {
            service.close();
            throw new UncheckedIOException("cannot bind the dashboard to " + options.httpHost() + ":" + options.httpPort(), e);
        }
        service.start();
        http.start();
        log.info("Ops dashboard on http://{}:{}/ watching {} (sampling every {} ms, window {} samples, model actions {})",
                options.httpHost(), port(), options.connection(), options.samplingInterval().toMillis(),
                options.windowSize(), options.adminToken() == null ? "disabled" : "enabled");
        return this;
    }

    /** The port the dashboard listens on. */
    public int port() {
        return http.port();
    }

    /** The dashboard's base address, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        return "http://" + options.httpHost() + ":" + port() + "/";
    }

    /** The service behind the dashboard, for embedding and tests. */
    public OpsService service() {
        return service;
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
        if (service != null) {
            service.close();
        }
        meters.close();
    }
}
