package ai.factory.feedback.quality;

/**
 * What the join tells the quality side about one prediction of one model version, keyed by
 * {@code "<model_name>/<version>"} so every outcome of a version meets in one place.
 *
 * @param score     the served score (JUDGED)
 * @param label     the label it was judged by (JUDGED)
 * @param eventTime event time of the scored event
 * @param time      label time (JUDGED), window end (EXPIRED), feedback time (LATE), event time (SERVED)
 * @param defaulted the label came from the policy because no feedback arrived (JUDGED)
 */
public record Outcome(Kind kind, String modelName, long modelVersion, double score, double label, long eventTime,
                      long time, boolean defaulted) {

    /** What happened to the prediction. */
    public enum Kind {
        /** A prediction was served and now waits for feedback. */
        SERVED,
        /** Its label is known: judge it. */
        JUDGED,
        /** Its window closed without feedback and the policy gave no label. */
        EXPIRED,
        /** Feedback for it arrived after its window closed. */
        LATE
    }

    public static Outcome served(String model, long version, long eventTime) {
        return new Outcome(Kind.SERVED, model, version, 0, 0, eventTime, eventTime, false);
    }

    public static Outcome judged(String model, long version, double score, double label, long eventTime, long labelTime,
                                 boolean defaulted) {
        return new Outcome(Kind.JUDGED, model, version, score, label, eventTime, labelTime, defaulted);
    }

    public static Outcome expired(String model, long version, long eventTime, long windowEnd) {
        return new Outcome(Kind.EXPIRED, model, version, 0, 0, eventTime, windowEnd, false);
    }

    public static Outcome late(String model, long version, long eventTime, long feedbackTime) {
        return new Outcome(Kind.LATE, model, version, 0, 0, eventTime, feedbackTime, false);
    }

    /** The key of a model version, as on the models and quality topics. */
    public static String modelKey(String model, long version) {
        return model + "/" + version;
    }

    public String modelKey() {
        return modelKey(modelName, modelVersion);
    }
}
