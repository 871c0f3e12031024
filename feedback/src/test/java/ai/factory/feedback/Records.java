package ai.factory.feedback;

import java.time.Instant;
import java.util.List;

import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.Prediction;

/** Input records for tests, at epoch-millisecond times. */
final class Records {

    static final long T0 = Instant.parse("2001-01-01T00:00:00Z").toEpochMilli();

    private Records() {
    }

    static FeatureVector features(String id, long eventTime) {
        return FeatureVector.newBuilder().setEventId(id).setEventTime(Instant.ofEpochMilli(eventTime)).setEntity("SFO")
                .setDense(List.of(1f, (float) (id.hashCode() % 100))).setSparse(List.of(Math.floorMod(id.hashCode(), 1024)))
                .setSparseBuckets(1024).setSpecName("flights").setSpecVersion(1).setLate(false)
                .setPreparedAt(Instant.ofEpochMilli(eventTime + 5)).build();
    }

    static Prediction prediction(String id, long eventTime, double score, String model, long version) {
        return Prediction.newBuilder().setEventId(id).setEventTime(Instant.ofEpochMilli(eventTime)).setScore(score)
                .setModelName(model).setModelVersion(version).setSpecVersion(1)
                .setServedAt(Instant.ofEpochMilli(eventTime + 10)).build();
    }

    static Feedback feedback(String id, double label, long feedbackTime, String source) {
        return Feedback.newBuilder().setEventId(id).setLabel(label).setFeedbackTime(Instant.ofEpochMilli(feedbackTime))
                .setSource(source).build();
    }
}
