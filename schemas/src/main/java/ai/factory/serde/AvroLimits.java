package ai.factory.serde;

import java.lang.reflect.Method;

import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounds Avro checks a length prefix against before it allocates: a string's or a byte array's length and a
 * collection's item count. Without them a body claiming a 2 GiB string or a billion map entries makes the decoder
 * allocate gigabytes before it finds that the bytes are not there.
 *
 * <p>Avro 1.12 has no per-decoder setting: {@link SystemLimitException} reads the system properties
 * {@code org.apache.avro.limits.{string,bytes,collectionItems}.maxLength} once, in its static initializer (defaults:
 * {@value #AVRO_DEFAULT}, the largest Java array), and every {@code BinaryDecoder} in the JVM checks against them.
 * {@link #apply()} sets the properties the operator left unset (a {@code -D} on the command line wins) and then makes
 * Avro re-read them, so the order in which classes load does not matter. {@link AvroCodec} calls it when it loads,
 * so every decoder of the factory's records, and Flink's Avro serializer in the same JVM, runs with these bounds.
 *
 * <p>Each is set well above the largest legitimate record: a model release carries an ONNX graph of at most
 * {@link ai.factory.topics.TopicCatalog#MODELS_MAX_MESSAGE_BYTES} (64 MiB, the producers' maximum request and the
 * models topic's maximum message); strings are ids, names and reasons of a few dozen bytes; collections are feature
 * vectors and attribute maps of hundreds of entries and a release's offset ranges.
 */
public final class AvroLimits {

    /** Avro's own bound on each, the largest array a JVM allocates. */
    static final int AVRO_DEFAULT = Integer.MAX_VALUE - 8;

    /** Longest {@code bytes} value: twice the largest model release the models topic accepts. */
    public static final int MAX_BYTES = 128 << 20;
    /** Longest {@code string} value, in UTF-8 bytes: 16 MiB, above any record of a topic of 1 MiB messages. */
    public static final int MAX_STRING = 16 << 20;
    /** Most items in one array or map (all its blocks together): a thousand times a feature vector. */
    public static final int MAX_COLLECTION_ITEMS = 1_000_000;

    private static final Logger log = LoggerFactory.getLogger(AvroLimits.class);
    private static volatile boolean applied;

    private AvroLimits() {
    }

    /** Sets the limits that are not set yet and makes Avro use them; idempotent. */
    public static synchronized void apply() {
        if (applied) {
            return;
        }
        setUnlessSet(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES);
        setUnlessSet(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING);
        setUnlessSet(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
        rereadIfAlreadyLoaded();
        applied = true;
        log.info("Avro decoding limits: bytes {}, string {}, collection items {}",
                System.getProperty(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY),
                System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY),
                System.getProperty(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY));
    }

    /** Whether Avro refuses a string of {@code length} bytes: whether a string limit below it is in force. */
    static boolean stringLimitInForce(long length) {
        try {
            SystemLimitException.checkMaxStringLength(length);
            return false;
        } catch (SystemLimitException e) {
            return true;
        }
    }

    private static void setUnlessSet(String property, int limit) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(limit));
        }
    }

    /**
     * Avro read the properties when {@link SystemLimitException} was first used. If anything decoded Avro before this
     * class ran (Flink's serializer, a test), it holds the defaults: its package-private {@code resetLimits} re-reads
     * them, the method Avro's own tests use.
     */
    private static void rereadIfAlreadyLoaded() {
        long expected;
        try {
            expected = Integer.toUnsignedLong(
                    Integer.parseUnsignedInt(System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY)));
        } catch (NumberFormatException e) {
            return; // Avro warns about it and keeps its default
        }
        if (expected >= AVRO_DEFAULT || stringLimitInForce(expected + 1)) {
            return;
        }
        try {
            Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Avro's decoding limits were read before the factory set them and cannot be re-read ({}): "
                            + "start the JVM with -D{}={} -D{}={} -D{}={}", e.toString(),
                    SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES,
                    SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING,
                    SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
        }
        if (!stringLimitInForce(expected + 1)) {
            log.warn("Avro does not enforce {}={}", SystemLimitException.MAX_STRING_LENGTH_PROPERTY, expected);
        }
    }
}
