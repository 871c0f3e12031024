package ai.factory.feedback.policy;

/** The label an example gets: value, the time it became known (epoch ms), and where it came from. */
public record Label(double value, long time, String source) {
}
