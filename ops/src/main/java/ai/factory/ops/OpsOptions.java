package ai.factory.ops;

import java.time.Duration;
import java.util.Objects;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.web.ConsoleAccess;
import ai.factory.options.DurationConverter;

/**
 * How to run the ops service.
 *
 * @param connection       how every Kafka client of the service reaches the cluster
 * @param topicPrefix      prefix of the factory's topic names ("" for the defaults)
 * @param httpHost         address the dashboard binds to; loopback unless told otherwise
 * @param httpPort         dashboard port, 0 for a free one
 * @param samplingInterval time between two samples of every consumer group
 * @param windowSize       samples a status is judged over (Burrow's default is 10)
 * @param access           token, whether reads need it, TLS keystore
 */
public record OpsOptions(KafkaConnection connection, String topicPrefix, String httpHost, int httpPort,
                         Duration samplingInterval, int windowSize, ConsoleAccess access) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** Written as the command line writes it, so {@code factory ops} shows this very default. */
    public static final String DEFAULT_INTERVAL_TEXT = "5s";
    public static final Duration DEFAULT_INTERVAL = DurationConverter.parse(DEFAULT_INTERVAL_TEXT);
    public static final int DEFAULT_WINDOW = 10;

    public OpsOptions {
        Objects.requireNonNull(connection, "connection");
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

    /** The defaults for {@code connection}: loopback:8080, 5 s samples, a window of 10, no token, plain HTTP. */
    public static OpsOptions defaults(KafkaConnection connection) {
        return new OpsOptions(connection, "", DEFAULT_HOST, DEFAULT_PORT, DEFAULT_INTERVAL, DEFAULT_WINDOW, ConsoleAccess.open());
    }

    /** Shows the connection as {@link KafkaConnection#toString()} does and the access as {@link ConsoleAccess#toString()} does (no secret). */
    @Override
    public String toString() {
        return "OpsOptions[" + connection + ", prefix '" + topicPrefix + "', http " + httpHost + ":" + httpPort
                + ", sampling " + samplingInterval + " x " + windowSize + ", " + access + "]";
    }

    public OpsOptions withPrefix(String prefix) {
        return new OpsOptions(connection, prefix, httpHost, httpPort, samplingInterval, windowSize, access);
    }

    public OpsOptions withHttp(String host, int port) {
        return new OpsOptions(connection, topicPrefix, host, port, samplingInterval, windowSize, access);
    }

    public OpsOptions withSampling(Duration interval, int window) {
        return new OpsOptions(connection, topicPrefix, httpHost, httpPort, interval, window, access);
    }

    public OpsOptions withAccess(ConsoleAccess newAccess) {
        return new OpsOptions(connection, topicPrefix, httpHost, httpPort, samplingInterval, windowSize, newAccess);
    }
}
