package ai.factory.ingest.features;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * Maps categorical values to ids in the shared sparse id space by hashing the namespace together with
 * the value (murmur2, as Kafka's partitioner uses: stable across JVMs and versions).
 */
public final class CategoryHasher {

    private CategoryHasher() {
    }

    /**
     * The id of {@code value} in {@code namespace}.
     *
     * @param namespaceBuckets how many distinct ids the namespace may use (0: no cap), so a namespace with
     *                         many rare values cannot crowd the shared space
     */
    public static int id(String namespace, String value, int namespaceBuckets, int sparseBuckets) {
        String token = namespaceBuckets > 0
                ? namespace + "#" + bucket(value, namespaceBuckets)
                : namespace + "=" + value;
        return bucket(token, sparseBuckets);
    }

    /** A non-negative bucket of {@code text} in {@code [0, buckets)}. */
    public static int bucket(String text, int buckets) {
        return Utils.toPositive(Utils.murmur2(text.getBytes(StandardCharsets.UTF_8))) % buckets;
    }
}
