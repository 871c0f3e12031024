package ai.factory.flink.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Micrometer name and tags of one of the project's own Flink metrics: those registered under a {@code factory} group
 * ({@code addGroup("factory").addGroup("ingest")}). {@code factory.ingest} + {@code eventsIn} becomes
 * {@code factory.ingest.events.in} ({@code factory_ingest_events_in_total} in Prometheus); key-value groups after
 * {@code factory} ({@code addGroup("reason", code)}) become tags, and the job, operator and subtask become tags too, so
 * parallel subtasks and operators sharing a name stay apart. The tags are named as Flink's Prometheus reporter names
 * them ({@code job_name}, {@code operator_name}, {@code subtask_index}; never {@code job}, which Prometheus gives the
 * scrape job): a cluster's series differ from the embedded ones by their name only (docs/metrics.md).
 */
public record FactoryMetricName(String name, Map<String, String> tags) {

    /** The root group of the project's metrics. */
    public static final String ROOT = "factory";

    /**
     * The name of metric {@code metric} of a group with scope {@code components} and {@code variables} (Flink's
     * {@code <key>} to value), or null when it is none of the project's (Flink's own metrics).
     */
    public static FactoryMetricName of(String[] components, Map<String, String> variables, String metric) {
        int root = -1;
        for (int i = components.length - 1; i >= 0; i--) {
            if (components[i].equals(ROOT)) {
                root = i;
                break;
            }
        }
        if (root < 0) {
            return null;
        }
        List<String> parts = new ArrayList<>(List.of(ROOT));
        Map<String, String> tags = new LinkedHashMap<>();
        system(variables, "job_name", tags);
        system(variables, "operator_name", tags);
        system(variables, "subtask_index", tags);
        for (int i = root + 1; i < components.length; i++) {
            String value = variables.get("<" + components[i] + ">");
            if (value != null && i + 1 < components.length && components[i + 1].equals(value)) {
                tags.put(components[i], value);
                i++;
            } else {
                parts.add(dotted(components[i]));
            }
        }
        parts.add(dotted(metric));
        return new FactoryMetricName(String.join(".", parts), tags);
    }

    private static void system(Map<String, String> variables, String key, Map<String, String> tags) {
        String value = variables.get("<" + key + ">");
        if (value != null) {
            tags.put(key, value);
        }
    }

    /** {@code lateEvents} as {@code late.events}, {@code examples_trained} as {@code examples.trained}. */
    static String dotted(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                out.append('.');
            }
            out.append(c == '_' ? '.' : Character.toLowerCase(c));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
