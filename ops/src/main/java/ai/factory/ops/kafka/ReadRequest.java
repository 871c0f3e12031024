package ai.factory.ops.kafka;

import org.apache.kafka.common.TopicPartition;

/**
 * Asks for the first committed data record of {@code partition} at or after {@code offset} and before {@code bound}.
 * Transaction markers and aborted records in between are skipped, so a range holding only those has no answer.
 */
public record ReadRequest(TopicPartition partition, long offset, long bound) {
}
