package ai.factory.ops;

import java.time.Duration;
import java.util.Objects;

import ai.factory.ops.web.ConsoleAccess;

/**
 * How to run the ops service.
 *
 * @param bootstrapServers Kafka to watch
 * @param topicPrefix      prefix of the factory's topic names ("" for the defaults)
 * @param httpHost         address the dashboard binds to; loopback unless told otherwise
 * @param httpPort         dashboard port, 0 for a free one
 * @param samplingInterval time between two samples of every consumer group
 * @param windowSize       samples a status is judged over (Burrow's default is 10)
 * @param access           token, whether reads need it, TLS keystore
 */
public record OpsOptions(String bootstrapServers, String topicPrefix, String httpHost, int httpPort,
                         Duration samplingInterval, int windowSize, ConsoleAccess access) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_WINDOW = 10;

    public OpsOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(samplingInterval, "samplingInterval");
        Objects.requireNonNull(access, "access");
        if (httpPort < 0 || httpPort > 65_535) {
            throw new IllegalArgumentException("port out of range: " + httpPort);
        }
        if (samplingInterval.toMillis() < 100) {
            throw new IllegalArgumentException("sampling interval below 100 ms: " + samplingInterval);
        }
        if (windowSize < 2) {
            throw new IllegalArgumentException("window needs at least 2 samples: " + windowSize);
        }
    }

    /** The defaults for {@code bootstrapServers}: loopback:8080, 5 s samples, a window of 10, no token, plain HTTP. */
    public static OpsOptions defaults(String bootstrapServers) {
        return new OpsOptions(bootstrapServers, "", DEFAULT_HOST, DEFAULT_PORT, DEFAULT_INTERVAL, DEFAULT_WINDOW, ConsoleAccess.open());
    }

    public OpsOptions withPrefix(String prefix) {
        return new OpsOptions(bootstrapServers, prefix, httpHost, httpPort, samplingInterval, windowSize, access);
    }

    public OpsOptions withHttp(String host, int port) {
        return new OpsOptions(bootstrapServers, topicPrefix, host, port, samplingInterval, windowSize, access);
    }

    public OpsOptions withSampling(Duration interval, int window) {
        return new OpsOptions(bootstrapServers, topicPrefix, httpHost, httpPort, interval, window, access);
    }

    public OpsOptions withAccess(ConsoleAccess newAccess) {
        return new OpsOptions(bootstrapServers, topicPrefix, httpHost, httpPort, samplingInterval, windowSize, newAccess);
    }
}
