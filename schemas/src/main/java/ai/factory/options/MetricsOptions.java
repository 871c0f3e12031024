package ai.factory.options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

import ai.factory.metrics.MetricsEndpoint;
import picocli.CommandLine.Option;

/** The picocli option of every long-running command that serves Prometheus metrics of its own. */
public final class MetricsOptions {

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics (read-only counters and gauges, no records); "
                    + "0, the default, serves none.")
    int port;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address the metrics endpoint binds to (default: ${DEFAULT-VALUE}, every interface, for a scraper "
                    + "in another container or host).")
    String host;

    /** The port asked for; 0 for none. */
    public int port() {
        return port;
    }

    /** Serves {@code scrape} as the options say; null when {@code --metrics-port} is 0. */
    public MetricsEndpoint serve(Supplier<String> scrape) {
        if (port == 0) {
            return null;
        }
        try {
            return MetricsEndpoint.serve(host, port, scrape);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
        }
    }
}
