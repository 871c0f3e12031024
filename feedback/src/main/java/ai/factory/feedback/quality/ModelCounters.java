package ai.factory.feedback.quality;

/**
 * Cumulative feedback counts of one model version.
 *
 * @param pending predictions still waiting for their window to close
 * @param expired predictions whose window closed without feedback
 * @param late    feedback records that arrived after their window
 */
public record ModelCounters(long pending, long expired, long late) {
}
