package ai.factory.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the topics of a catalog; running it again changes nothing. */
public final class TopicAdmin {

    private static final long TIMEOUT_SECONDS = 60;

    private TopicAdmin() {
    }

    /** What happened to one topic. */
    public enum Action { CREATED, EXISTS }

    /**
     * The outcome for one topic.
     *
     * @param note a mismatch between the existing topic and its spec, or empty; such topics are left as they are
     */
    public record Outcome(String topic, Action action, int partitions, String note) {
    }

    /**
     * Creates every topic of {@code specs} that does not exist yet; existing topics are reported, never changed.
     * Returns when every topic can be described.
     */
    public static List<Outcome> ensure(Admin admin, List<TopicSpec> specs) {
        List<Outcome> outcomes = new ArrayList<>();
        for (TopicSpec spec : specs) {
            NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()),
                    spec.replicationFactor() < 0 ? Optional.empty() : Optional.of(spec.replicationFactor()))
                    .configs(spec.configs());
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                // Return only once the topic can be used, so callers never race the metadata propagation.
                awaitLeaders(admin, describe(admin, spec.name()));
                outcomes.add(new Outcome(spec.name(), Action.CREATED, spec.partitions(), ""));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
                }
                int actual = describe(admin, spec.name()).partitions().size();
                String note = actual == spec.partitions() ? ""
                        : "has " + actual + " partitions, spec says " + spec.partitions() + " (left unchanged)";
                outcomes.add(new Outcome(spec.name(), Action.EXISTS, actual, note));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while creating topic " + spec.name(), e);
            } catch (TimeoutException e) {
                throw new KafkaException("timed out creating topic " + spec.name(), e);
            }
        }
        return outcomes;
    }

    /**
     * Creates those of {@code specs} that do not exist yet and returns what it created; existing topics are not
     * touched, so a client allowed to write to them but not to create topics gets through.
     */
    public static List<Outcome> createMissing(Admin admin, List<TopicSpec> specs) {
        Set<String> existing = names(admin);
        return ensure(admin, specs.stream().filter(spec -> !existing.contains(spec.name())).toList());
    }

    /** Describes the topics of the cluster, internal ones left out, by name. */
    public static Map<String, TopicDescription> describeAll(Admin admin) {
        Set<String> names = names(admin);
        try {
            return new java.util.TreeMap<>(admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while describing topics", e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot describe topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out describing topics", e);
        }
    }

    /** The names of the cluster's topics, internal ones left out. */
    private static Set<String> names(Admin admin) {
        try {
            return admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while listing topics", e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out listing topics", e);
        }
    }

    /**
     * Waits until every partition's leader answers for it. A topic can be described before its leader has opened
     * the partitions; an idempotent producer writing at once then gets its first batch refused and a later one
     * accepted, and the first batch is retried out of order until it times out (KAFKA-15591). The admin client
     * retries an offsets request until the leader can serve it.
     */
    private static void awaitLeaders(Admin admin, TopicDescription topic) {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        topic.partitions().forEach(p -> partitions.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for the leaders of topic " + topic.name(), e);
            } catch (ExecutionException e) {
                // On a cluster of several brokers, the one asked may not know a topic created a moment ago yet.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new KafkaException("the partitions of topic " + topic.name() + " did not come up: " + e.getMessage(), e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (TimeoutException e) {
                throw new KafkaException("the partitions of topic " + topic.name() + " did not come up: " + e.getMessage(), e);
            }
        }
    }

    private static TopicDescription describe(Admin admin, String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(List.of(name)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while describing topic " + name, e);
            } catch (ExecutionException e) {
                // A topic created a moment ago by someone else exists before every broker's metadata shows it.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new KafkaException("cannot describe topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (TimeoutException e) {
                throw new KafkaException("timed out describing topic " + name, e);
            }
        }
    }
}
