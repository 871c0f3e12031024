package ai.factory.feedback.policy;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What the join does with the feedback of one model's predictions.
 *
 * @param combine      how several feedback records become one label
 * @param defaultLabel the label of an event whose window closes without feedback (implicit negatives,
 *                     as in click prediction); empty means such an event yields no example
 */
public record FeedbackPolicy(Combine combine, OptionalDouble defaultLabel) {

    /** Source name of a label the policy supplied. */
    public static final String DEFAULT_SOURCE = "default";

    public FeedbackPolicy {
        if (defaultLabel.isPresent() && !Double.isFinite(defaultLabel.getAsDouble())) {
            throw new IllegalArgumentException("default label must be finite");
        }
    }

    /** The default policy, as the command line writes it. */
    public static final String STANDARD = "last";

    /** Last feedback wins; no feedback, no example. */
    public static FeedbackPolicy standard() {
        return parse(STANDARD);
    }

    /** The label when the window closes: the combined feedback, the default label, or none. */
    public java.util.Optional<Label> label(List<ReceivedFeedback> received, long windowEnd) {
        if (!received.isEmpty()) {
            return java.util.Optional.of(combine.apply(received));
        }
        if (defaultLabel.isPresent()) {
            return java.util.Optional.of(new Label(defaultLabel.getAsDouble(), windowEnd, DEFAULT_SOURCE));
        }
        return java.util.Optional.empty();
    }

    /**
     * Parses {@code "last"}, {@code "sum,default=0"} or {@code "first,no-example"}: a combine rule, then
     * optionally what to do without feedback.
     */
    public static FeedbackPolicy parse(String spec) {
        String[] parts = spec.split(",");
        Combine combine = Combine.parse(parts[0]);
        OptionalDouble defaultLabel = OptionalDouble.empty();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim().toLowerCase(Locale.ROOT);
            if (part.startsWith("default=")) {
                defaultLabel = OptionalDouble.of(Double.parseDouble(part.substring("default=".length())));
            } else if (!part.equals("no-example")) {
                throw new IllegalArgumentException("unknown policy part '" + parts[i] + "' in '" + spec
                        + "' (expected default=<label> or no-example)");
            }
        }
        return new FeedbackPolicy(combine, defaultLabel);
    }

    @Override
    public String toString() {
        return combine.name().toLowerCase(Locale.ROOT)
                + (defaultLabel.isPresent() ? ",default=" + defaultLabel.getAsDouble() : ",no-example");
    }
}
