package ai.factory.feedback.shadow;

/**
 * One event judged twice: the champion's served score and the challenger's shadow score, by the same label. Keyed
 * {@code "<model>/<challenger>/<champion>"} so every event of one version pair meets in one place.
 *
 * @param championScore   score of the served prediction
 * @param challengerScore score of the shadow prediction
 * @param label           the label the policy gave the event
 * @param eventTime       event time of the event (epoch ms)
 */
public record PairedOutcome(String modelName, long challengerVersion, long championVersion, double championScore,
                            double challengerScore, double label, long eventTime) {

    /** The key of a version pair, as on the quality.paired topic. */
    public static String pairKey(String model, long challenger, long champion) {
        return model + "/" + challenger + "/" + champion;
    }

    public String pairKey() {
        return pairKey(modelName, challengerVersion, championVersion);
    }
}
