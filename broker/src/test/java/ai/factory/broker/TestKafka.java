package ai.factory.broker;

import java.util.UUID;

/**
 * The Kafka that tests talk to: an external one when {@code FACTORY_BOOTSTRAP} is set, else an embedded broker
 * started once per JVM. Tests isolate themselves with {@link #uniquePrefix(String)} rather than a fresh broker.
 */
public final class TestKafka {

    private static TestKafka shared;

    private final String bootstrapServers;
    private final boolean embedded;

    private TestKafka(String bootstrapServers, boolean embedded) {
        this.bootstrapServers = bootstrapServers;
        this.embedded = embedded;
    }

    /** The Kafka of this JVM's tests, started on first use. */
    public static synchronized TestKafka shared() {
        if (shared == null) {
            String external = System.getProperty("factory.bootstrap", System.getenv("FACTORY_BOOTSTRAP"));
            if (external != null && !external.isBlank()) {
                shared = new TestKafka(external, false);
            } else {
                EmbeddedKafka kafka = EmbeddedKafka.start();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
                shared = new TestKafka(kafka.bootstrapServers(), true);
            }
        }
        return shared;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean embedded() {
        return embedded;
    }

    /** A topic-name prefix no other test uses, so tests sharing a broker never see each other's records. */
    public static String uniquePrefix(String testName) {
        return "t-" + testName + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }
}
