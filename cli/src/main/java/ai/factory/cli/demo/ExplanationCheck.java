package ai.factory.cli.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.factory.records.Contribution;
import ai.factory.records.Explanation;
import ai.factory.records.Prediction;

/**
 * Checks every explained prediction as a subscriber would read it: its parts add up to its output (baseline + top +
 * rest), and the output is the served score (the logit of a probability, or the score itself). Keeps how often each
 * feature led the explanation and the last explained event, for the report; memory is bounded by the features.
 */
public final class ExplanationCheck {

    /** Features counted as leaders at most; a spec has a few dozen. */
    private static final int MAX_FEATURES = 256;

    private long explained;
    private long unexplained;
    private double worstAdditivity;
    private double worstScore;
    private String method;
    private String lastEventId;
    private final Map<String, Long> leads = new TreeMap<>();

    /** Takes one prediction of the champion's topic. */
    public void take(Prediction p) {
        Explanation e = p.getExplanation();
        if (e == null) {
            unexplained++;
            return;
        }
        explained++;
        method = e.getMethod();
        lastEventId = p.getEventId();
        double sum = e.getBaseline() + e.getRest();
        for (Contribution c : e.getTop()) {
            sum += c.getContribution();
        }
        worstAdditivity = Math.max(worstAdditivity, Math.abs(sum - e.getOutput()));
        double served = "logit".equals(e.getUnits()) ? 1 / (1 + Math.exp(-e.getOutput())) : e.getOutput();
        worstScore = Math.max(worstScore, Math.abs(served - p.getScore()));
        if (!e.getTop().isEmpty()) {
            String leader = e.getTop().get(0).getFeature();
            if (leads.containsKey(leader) || leads.size() < MAX_FEATURES) {
                leads.merge(leader, 1L, Long::sum);
            }
        }
    }

    /** What was seen so far. */
    public Summary summary() {
        return new Summary(explained, unexplained, worstAdditivity, worstScore, method, lastEventId, Map.copyOf(leads));
    }

    /**
     * @param worstAdditivity largest |baseline + top + rest - output| seen
     * @param worstScore      largest |link(output) - score| seen: the explanation is of the score that was served
     * @param leads           how many explanations each feature led
     */
    public record Summary(long explained, long unexplained, double worstAdditivity, double worstScore, String method,
                          String lastEventId, Map<String, Long> leads) {

        /** The features that led most often, most first. */
        public List<Map.Entry<String, Long>> leaders(int n) {
            return leads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n).toList();
        }

        public String describe() {
            if (explained == 0) {
                return "explanations: none" + (unexplained > 0 ? " (" + unexplained + " predictions without one)" : "");
            }
            StringBuilder top = new StringBuilder();
            for (Map.Entry<String, Long> e : leaders(3)) {
                top.append(top.length() == 0 ? "" : ", ").append(e.getKey()).append(String.format(" %.0f%%", 100.0 * e.getValue() / explained));
            }
            return String.format("explanations: %,d predictions (%s), parts add up within %.1e, output matches the score within %.1e; "
                    + "led by %s; try: factory explain %s", explained, method, worstAdditivity, worstScore, top, lastEventId);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("explained", explained);
            json.put("unexplained", unexplained);
            json.put("method", method);
            json.put("max_additivity_gap", worstAdditivity);
            json.put("max_score_gap", worstScore);
            Map<String, Object> leaders = new LinkedHashMap<>();
            leaders(10).forEach(e -> leaders.put(e.getKey(), e.getValue()));
            json.put("leading_features", leaders);
            json.put("example_event_id", lastEventId);
            return json;
        }
    }
}
