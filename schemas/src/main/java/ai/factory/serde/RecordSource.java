package ai.factory.serde;

/** Where a record was read: topic, partition and offset (-1 when unknown). */
public record RecordSource(String topic, int partition, long offset) {

    /** A source known only by topic, as a Kafka {@code Deserializer} sees it. */
    public static RecordSource topicOnly(String topic) {
        return new RecordSource(topic, -1, -1L);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
