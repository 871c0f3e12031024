package ai.factory.flink.metrics;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Makes the {@link MicrometerReporter} of an in-process cluster. Flink builds reporters from its configuration by class
 * name, so the registry is handed over through this class: {@link #reportTo} files it under an id and names the id in
 * the configuration, which the reporter's properties then carry.
 */
public final class MicrometerReporterFactory implements MetricReporterFactory {

    /** The reporter's name in Flink's configuration ({@code metrics.reporter.<name>.*}). */
    public static final String REPORTER = "factory";
    static final String REGISTRY_ID = "registry-id";

    private static final Map<String, MeterRegistry> REGISTRIES = new ConcurrentHashMap<>();

    /** Configures {@code conf} so the cluster it starts (in this process) reports the project's metrics to {@code registry}. */
    public static Configuration reportTo(Configuration conf, MeterRegistry registry) {
        // One id per registry (its identity): a demo's jobs share one, and restarting jobs adds none.
        String id = Integer.toHexString(System.identityHashCode(registry));
        REGISTRIES.put(id, registry);
        String prefix = "metrics.reporter." + REPORTER + ".";
        conf.setString(prefix + "factory.class", MicrometerReporterFactory.class.getName());
        conf.setString(prefix + REGISTRY_ID, id);
        return conf;
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String id = properties.getProperty(REGISTRY_ID);
        MeterRegistry registry = id == null ? null : REGISTRIES.get(id);
        if (registry == null) {
            throw new IllegalStateException("no Micrometer registry " + id + " in this process: "
                    + "this reporter serves in-process clusters only (a cluster uses Flink's Prometheus reporter)");
        }
        return new MicrometerReporter(registry);
    }
}
