package ai.factory.feedback.policy;

import ai.factory.records.Feedback;

/** One feedback record as the join keeps it: label, feedback time (epoch ms) and source. */
public record ReceivedFeedback(double label, long time, String source) {

    public static ReceivedFeedback of(Feedback feedback) {
        return new ReceivedFeedback(feedback.getLabel(), feedback.getFeedbackTime().toEpochMilli(), feedback.getSource());
    }

    /** The feedback record it came from, field for field. */
    public Feedback toFeedback(String eventId) {
        return Feedback.newBuilder().setEventId(eventId).setLabel(label)
                .setFeedbackTime(java.time.Instant.ofEpochMilli(time)).setSource(source).build();
    }
}
