package ai.factory.cli;

import java.util.Optional;

import ai.factory.options.KafkaOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns a failure into one readable line (the stack trace goes to the debug log), exit code 1. Kafka's security
 * failures, wherever they sit in the cause chain, become a line that names the cause and the setting to check: a
 * refused login, a failed TLS handshake, a missing ACL (with the topic or group), a client without a SASL login, and a
 * timeout, which is how a plaintext client at a TLS listener fails.
 */
final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(FriendlyErrors.class);
    private static final String SEE = " (see docs/security.md)";

    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        String line = kafkaSecurity(e, cluster(command)).orElseGet(() -> chain(e));
        // One line, whatever the messages held: a multi-line message would read like a stack trace.
        command.getErr().println(command.getColorScheme().errorText("error: " + line.replaceAll("\\s*[\\r\\n]+\\s*", " ")));
        log.debug("{} failed", command.getCommandName(), e);
        return 1;
    }

    /** The message of {@code e} and of each cause that says something new, joined. */
    static String chain(Throwable e) {
        Throwable root = e;
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null && !message.toString().contains(root.getMessage())) {
                message.append(": ").append(root.getMessage());
            }
        }
        return message.toString();
    }

    /** A line for a Kafka authentication, authorization or connection failure in the chain of {@code e}, if there is one. */
    static Optional<String> kafkaSecurity(Throwable e, String cluster) {
        String at = cluster == null ? "Kafka" : "Kafka at " + cluster;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return Optional.of("TLS handshake with " + at + " failed: " + deepest(t)
                        + "; check ssl.truststore.* (and ssl.keystore.*) in --kafka-config" + SEE);
            }
            if (t instanceof SaslAuthenticationException) {
                return Optional.of("authentication failed at " + at + ": " + t.getMessage()
                        + "; check the user and password of sasl.jaas.config in --kafka-config" + SEE);
            }
            if (t instanceof AuthenticationException) {
                return Optional.of("authentication failed at " + at + ": " + t.getMessage() + SEE);
            }
            if (t instanceof TopicAuthorizationException denied) {
                if (denied.unauthorizedTopics().isEmpty()) {
                    // The admin client's refusals name no topic; the factory's message around them does.
                    return Optional.of("not authorized at " + at + ": " + chain(e) + "; the user needs ACLs for the topic" + SEE);
                }
                return Optional.of("not authorized for topic" + (denied.unauthorizedTopics().size() > 1 ? "s " : " ")
                        + String.join(", ", new java.util.TreeSet<>(denied.unauthorizedTopics())) + " at " + at
                        + ": the user needs ACLs for them" + SEE);
            }
            if (t instanceof GroupAuthorizationException denied) {
                return Optional.of("not authorized for consumer group " + (denied.groupId() == null ? "" : denied.groupId() + " ")
                        + "at " + at + ": the user needs a READ ACL for it" + SEE);
            }
            if (t instanceof TransactionalIdAuthorizationException) {
                return Optional.of("not authorized for the transactional id at " + at
                        + ": the user needs WRITE and DESCRIBE ACLs for it" + SEE);
            }
            if (t instanceof ClusterAuthorizationException) {
                return Optional.of("not authorized for a cluster operation at " + at + ": " + t.getMessage() + SEE);
            }
            if (t instanceof AuthorizationException) {
                return Optional.of("not authorized at " + at + ": " + t.getMessage() + SEE);
            }
            if (t instanceof IllegalArgumentException && t.getMessage() != null && t.getMessage().contains("JAAS configuration")) {
                // Kafka's message names a JVM system property; with the factory the login belongs in the file.
                return Optional.of("no SASL login for " + at + ": set sasl.jaas.config in --kafka-config" + SEE);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return Optional.of(chain(e) + " — no answer from " + at + ": is it running, and is this its address? A secured "
                        + "cluster needs --kafka-config with its security.protocol, SASL and TLS settings" + SEE);
            }
        }
        return Optional.empty();
    }

    /** The innermost message: TLS failures wrap the reason (an unknown CA, a host name mismatch) several times. */
    private static String deepest(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }

    /** The bootstrap servers the failed command used, or null when it takes no Kafka options or they do not resolve. */
    private static String cluster(CommandLine command) {
        for (var mixin : command.getCommandSpec().mixins().values()) {
            if (mixin.userObject() instanceof KafkaOptions options) {
                try {
                    return options.connection().bootstrapServers();
                } catch (RuntimeException unreadable) {
                    return null;
                }
            }
        }
        return null;
    }
}
