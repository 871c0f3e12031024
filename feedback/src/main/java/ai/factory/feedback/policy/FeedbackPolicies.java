package ai.factory.feedback.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The feedback policy of every model: one per model name, and a fallback for the others and for
 * events nobody scored (cold start).
 */
public record FeedbackPolicies(FeedbackPolicy fallback, Map<String, FeedbackPolicy> byModel) {

    public FeedbackPolicies {
        byModel = Map.copyOf(byModel);
    }

    /** One policy for everything. */
    public static FeedbackPolicies of(FeedbackPolicy policy) {
        return new FeedbackPolicies(policy, Map.of());
    }

    /** The policy of {@code modelName}, or the fallback when it is null or has none. */
    public FeedbackPolicy forModel(String modelName) {
        return modelName == null ? fallback : byModel.getOrDefault(modelName, fallback);
    }

    /** A copy with {@code policy} for {@code modelName}. */
    public FeedbackPolicies with(String modelName, FeedbackPolicy policy) {
        Map<String, FeedbackPolicy> copy = new LinkedHashMap<>(byModel);
        copy.put(modelName, policy);
        return new FeedbackPolicies(fallback, copy);
    }

    /** Parses {@code "model=policy"} entries, as given on a command line, on top of {@code fallback}. */
    public static FeedbackPolicies parse(FeedbackPolicy fallback, Iterable<String> modelPolicies) {
        FeedbackPolicies policies = of(fallback);
        for (String entry : modelPolicies) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("model policy must look like model=policy: " + entry);
            }
            policies = policies.with(entry.substring(0, eq).trim(), FeedbackPolicy.parse(entry.substring(eq + 1)));
        }
        return policies;
    }
}
