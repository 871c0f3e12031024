package ai.factory.cli.logging;

import java.util.Arrays;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops four library warnings that describe normal operation, so they do not bury the demo's live view:
 * <ul>
 *   <li>the Kafka producer's CONCURRENT_TRANSACTIONS retry: an exactly-once producer that begins a transaction while
 *   the broker still writes the markers of its last one is told to retry, and does (Kafka Streams, several times a
 *   second under load);</li>
 *   <li>Flink's failed checkpoint whose cause is that the job is being cancelled ("Checkpoint Coordinator is
 *   suspending"), with its stack trace, at every stop;</li>
 *   <li>the embedded broker's own controller channel, closed twice as the broker stops;</li>
 *   <li>a Kafka Streams consumer asking for its own repartition or changelog topic in the moment before Streams has
 *   created it, at every start.</li>
 * </ul>
 * Every other produce error and checkpoint failure still shows.
 */
public final class ExpectedRetriesFilter extends TurboFilter {

    static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    static final String CHECKPOINTS = "org.apache.flink.runtime.checkpoint.CheckpointFailureManager";
    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    private static final String CLOSED_TWICE = "Attempting to close NetworkClient that has already been closed";
    private static final String RETRY = "Got error produce response";
    private static final String CONCURRENT_TRANSACTIONS = "CONCURRENT_TRANSACTIONS";
    private static final String SUSPENDING = "Checkpoint Coordinator is suspending";
    private static final Pattern INTERNAL_TOPIC_NOT_YET =
            Pattern.compile("-(repartition|changelog)=UNKNOWN_TOPIC_OR_PARTITION");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || format == null) {
            return FilterReply.NEUTRAL;
        }
        if (NETWORK_CLIENT.equals(logger.getName()) && (format.contains(CLOSED_TWICE) || internalTopicNotYet(format, params))) {
            return FilterReply.DENY;
        }
        if (SENDER.equals(logger.getName()) && format.contains(RETRY)) {
            return says(format, params, CONCURRENT_TRANSACTIONS);
        }
        if (CHECKPOINTS.equals(logger.getName())) {
            return says(format, params, SUSPENDING);
        }
        return FilterReply.NEUTRAL;
    }

    /** Only when every topic the warning names is a Streams internal one (the message lists them as {topic=ERROR, ...}). */
    private static boolean internalTopicNotYet(String format, Object[] params) {
        String said = format + (params == null ? "" : Arrays.toString(params));
        if (!INTERNAL_TOPIC_NOT_YET.matcher(said).find()) {
            return false;
        }
        return said.split("=UNKNOWN_TOPIC_OR_PARTITION", -1).length - 1 == INTERNAL_TOPIC_NOT_YET.matcher(said).results().count();
    }

    /** Whether the message or one of its arguments says {@code text} (Kafka's log context formats before logging). */
    private static FilterReply says(String format, Object[] params, String text) {
        if (format.contains(text)) {
            return FilterReply.DENY;
        }
        if (params == null) {
            return FilterReply.NEUTRAL;
        }
        for (Object param : params) {
            String said = param instanceof Throwable e ? e.getMessage() : String.valueOf(param);
            if (said != null && said.contains(text)) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
