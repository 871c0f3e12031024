package ai.factory.scoring;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles {@link Delivery#AUTO}: exactly-once when a transactional producer initialises within a bound, at-least-once
 * (said in one log line) when the cluster refuses transactions or its transaction coordinator does not answer while
 * the cluster itself does. A cluster that cannot be reached at all is waited for until the start-up timeout.
 */
final class DeliveryProbe {

    private static final Logger log = LoggerFactory.getLogger(DeliveryProbe.class);
    /** How long a transaction coordinator may take to answer an otherwise reachable scorer. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REACHABLE_TIMEOUT = Duration.ofSeconds(5);

    private DeliveryProbe() {
    }

    /** The delivery {@code options} ask for, with AUTO settled by probing with {@code transactionalConfig}. */
    static Delivery resolve(ScorerOptions options, Map<String, Object> transactionalConfig) {
        if (options.delivery() != Delivery.AUTO) {
            return options.delivery();
        }
        long deadline = System.nanoTime() + options.startupTimeout().toNanos();
        while (true) {
            Map<String, Object> config = new HashMap<>(transactionalConfig);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                log.info("Delivery: exactly-once (the cluster supports transactions); read predictions with read_committed");
                return Delivery.EXACTLY_ONCE;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (reachable(options)) {
                    return fallBack("no transaction coordinator answered within " + PROBE_TIMEOUT.toSeconds() + " s");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("cannot reach Kafka at " + options.connection()
                            + " to probe for transactions within " + options.startupTimeout());
                }
            } catch (KafkaException e) {
                // Refused: transactions not supported by the brokers, or not allowed to this principal.
                return fallBack("the cluster refuses transactions: " + e);
            }
        }
    }

    private static Delivery fallBack(String why) {
        log.warn("Delivery: at-least-once, not exactly-once ({}); a crash may repeat the predictions since the last "
                + "commit (--delivery exactly-once insists)", why);
        return Delivery.AT_LEAST_ONCE;
    }

    private static boolean reachable(ScorerOptions options) {
        try (Admin admin = Admin.create(options.connection().clientConfig())) {
            admin.describeCluster().nodes().get(REACHABLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing for transactions", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            return false;
        }
    }
}
