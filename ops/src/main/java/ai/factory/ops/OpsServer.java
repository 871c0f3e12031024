package ai.factory.ops;

import java.io.IOException;
import java.io.UncheckedIOException;

import ai.factory.ops.web.ConsoleAccess;
import ai.factory.ops.web.OpsHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ops service with its dashboard, as {@code factory ops} runs it. Start, read {@link #port()}, close. */
public final class OpsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

    private final OpsOptions options;
    private final PrometheusMeterRegistry meters;
    private final boolean ownsMeters;
    private OpsService service;
    private OpsHttpServer http;

    public OpsServer(OpsOptions options) {
        this(options, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    }

    /**
     * Ops publishing its meters to {@code meters}, which {@code /metrics} serves whole: the embedded factory's parts all
     * report to it, so one endpoint serves the loop. The caller closes it.
     */
    public OpsServer(OpsOptions options, PrometheusMeterRegistry meters) {
        this(options, meters, false);
    }

    private OpsServer(OpsOptions options, PrometheusMeterRegistry meters, boolean ownsMeters) {
        this.options = options;
        this.meters = meters;
        this.ownsMeters = ownsMeters;
    }

    /**
     * Connects to Kafka, starts sampling and serves the dashboard; returns this. An {@link IllegalArgumentException}
     * with a one-line reason when the access settings do not allow serving (no token off loopback, bad keystore).
     */
    public synchronized OpsServer start() {
        // Before Kafka: a console that must not start says so at once, not after connecting.
        options.access().requireUsableOn(options.httpHost());
        service = new OpsService(options, meters);
        try {
            http = new OpsHttpServer(service, meters, options.httpHost(), options.httpPort(), options.access());
        } catch (IOException e) {
            service.close();
            throw new UncheckedIOException("cannot bind the dashboard to " + options.httpHost() + ":" + options.httpPort(), e);
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        service.start();
        http.start();
        ConsoleAccess access = options.access();
        log.info("Ops dashboard on {} watching {} (sampling every {} ms, window {} samples, model actions {}, reads {})",
                url(), options.connection(), options.samplingInterval().toMillis(), options.windowSize(),
                access.actionsEnabled() ? "enabled" : "disabled",
                access.readsNeedToken(options.httpHost()) ? "need the token" : "open");
        return this;
    }

    /** The port the dashboard listens on. */
    public int port() {
        return http.port();
    }

    /** The dashboard's base address, e.g. {@code http://127.0.0.1:8080/} ({@code https} with a keystore). */
    public String url() {
        return http.scheme() + "://" + options.httpHost() + ":" + port() + "/";
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
        if (ownsMeters) {
            meters.close();
        }
    }
}
