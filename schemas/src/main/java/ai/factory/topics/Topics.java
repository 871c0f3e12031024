package ai.factory.topics;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The topic names of one factory: the default names behind a prefix, so several factories (or test
 * runs) can share a cluster.
 */
public record Topics(String prefix) {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix may hold only letters, digits, '.', '_' and '-': " + prefix);
        }
    }

    /** The default names, without a prefix. */
    public static Topics defaults() {
        return new Topics("");
    }

    public String events() {
        return prefix + "events";
    }

    public String eventsDlq() {
        return prefix + "events.dlq";
    }

    public String features() {
        return prefix + "features";
    }

    public String predictions() {
        return prefix + "predictions";
    }

    public String predictionsShadow() {
        return prefix + "predictions.shadow";
    }

    public String feedback() {
        return prefix + "feedback";
    }

    public String feedbackDlq() {
        return prefix + "feedback.dlq";
    }

    public String feedbackLate() {
        return prefix + "feedback.late";
    }

    public String examples() {
        return prefix + "examples";
    }

    public String models() {
        return prefix + "models";
    }

    public String quality() {
        return prefix + "quality";
    }

    /** Challengers' losses paired with the champion's on the same events (shadow scoring). */
    public String qualityPaired() {
        return prefix + "quality.paired";
    }

    public String schemas() {
        return prefix + "schemas";
    }
}
