package ai.factory.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Marker;

/**
 * Drops the Kafka client's own log lines about a refused login, a failed TLS handshake or a missing topic ACL. The
 * same failure reaches the command as an exception, which the CLI prints as one line naming the cause; the client's
 * lines (one with a stack trace of the TLS handshake) only repeated it, so a refused command printed a screenful.
 */
public final class SecurityFailuresFilter extends TurboFilter {

    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    static final String ADMIN_METADATA = "org.apache.kafka.clients.admin.internals.AdminMetadataManager";
    static final String METADATA = "org.apache.kafka.clients.Metadata";
    private static final String FAILED_AUTHENTICATION = "failed authentication due to";
    private static final String TOPIC_AUTHORIZATION = "TOPIC_AUTHORIZATION_FAILED";
    private static final String TOPIC_AUTHORIZATION_FAILED = "Topic authorization failed";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || !level.isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        String name = logger.getName();
        boolean repeated = switch (name) {
            case NETWORK_CLIENT -> format.contains(FAILED_AUTHENTICATION) || format.contains(TOPIC_AUTHORIZATION);
            case ADMIN_METADATA -> t instanceof AuthenticationException;
            case METADATA -> format.contains(TOPIC_AUTHORIZATION_FAILED);
            default -> false;
        };
        return repeated ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
