package ai.factory.ops.lag;

/**
 * What one sample saw of one partition for one consumer group.
 *
 * @param committed          the group's committed offset (the next record it will read)
 * @param logStart           first offset still in the log
 * @param logEnd             log-end offset (high watermark)
 * @param lastStable         last stable offset: what a read_committed consumer can read up to
 * @param lagRecords         data records waiting: from the first data record at the committed position to the
 *                           newest data record below the last stable offset (leading and trailing transaction
 *                           markers are not counted; markers inside the range are)
 * @param lagSeconds         newest record's timestamp minus the timestamp of the record at the committed
 *                           position; 0 when caught up, null when the records could not be read in time
 * @param pendingTimestampMs timestamp of the record at the committed position, or null
 * @param newestTimestampMs  timestamp of the newest committed record, or null
 * @param error              why this partition could not be sampled, or null
 */
public record PartitionLag(String topic, int partition, long committed, long logStart, long logEnd, long lastStable,
                           long lagRecords, Double lagSeconds, Long pendingTimestampMs, Long newestTimestampMs,
                           String error) {

    /** The key of this partition within its group, e.g. {@code events-2}. */
    public String key() {
        return topic + "-" + partition;
    }
}
