package ai.factory.ops.pipeline;

/** Records on a topic (sum of partition end offsets) and how fast they arrive. */
public record TopicRate(String topic, long records, double ratePerSecond) {
}
