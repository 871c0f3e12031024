package ai.factory.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;

class SecurityFailuresFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final SecurityFailuresFilter filter = new SecurityFailuresFilter();

    @Test
    void dropsTheClientsRepeatsOfAnAuthenticationOrAuthorizationFailure() {
        // As SecuredClusterTest's runs logged them (Kafka's log context formats the message before logging).
        assertThat(filter.decide(null, context.getLogger(SecurityFailuresFilter.NETWORK_CLIENT), Level.ERROR,
                "[AdminClient clientId=adminclient-13] Connection to node -1 (localhost/127.0.0.1:4711) failed authentication due to: "
                        + "SSL handshake failed", null, null)).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, context.getLogger(SecurityFailuresFilter.ADMIN_METADATA), Level.WARN,
                "[AdminClient clientId=adminclient-13] Fatal error during metadata update", null,
                new SslAuthenticationException("SSL handshake failed"))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, context.getLogger(SecurityFailuresFilter.ADMIN_METADATA), Level.WARN,
                "[AdminClient clientId=adminclient-11] Fatal error during metadata update", null,
                new SaslAuthenticationException("invalid credentials"))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(null, context.getLogger(SecurityFailuresFilter.METADATA), Level.ERROR,
                "[Producer clientId=producer-1] Topic authorization failed for topics [other-events]", null, null))
                .isEqualTo(FilterReply.DENY);
    }

    @Test
    void keepsEverythingElse() {
        assertThat(filter.decide(null, context.getLogger(SecurityFailuresFilter.NETWORK_CLIENT), Level.WARN,
                "[Producer clientId=p] Connection to node 1 could not be established.", null, null)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, context.getLogger(SecurityFailuresFilter.ADMIN_METADATA), Level.WARN,
                "[AdminClient clientId=a] Fatal error during metadata update", null, new IllegalStateException("other")))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, context.getLogger("ai.factory.scoring.Scorer"), Level.ERROR,
                "failed authentication due to: x", null, null)).isEqualTo(FilterReply.NEUTRAL);
    }
}
