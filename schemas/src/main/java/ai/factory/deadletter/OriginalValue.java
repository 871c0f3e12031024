package ai.factory.deadletter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a dead letter keeps of a record's value: at most {@link DeadLetters#MAX_ORIGINAL_BYTES} leading bytes, with
 * the whole value's length and SHA-256 so an operator can match the dead letter to its source record.
 *
 * @param prefix the first bytes of the value (all of it when it is short enough)
 * @param size   the whole value's length in bytes
 * @param sha256 the whole value's SHA-256, lowercase hex
 */
public record OriginalValue(byte[] prefix, long size, String sha256) {

    /** The bounded form of {@code value}; null when there is no value. */
    public static OriginalValue of(byte[] value) {
        if (value == null) {
            return null;
        }
        byte[] prefix = value.length <= DeadLetters.MAX_ORIGINAL_BYTES ? value
                : Arrays.copyOf(value, DeadLetters.MAX_ORIGINAL_BYTES);
        return new OriginalValue(prefix, value.length, HexFormat.of().formatHex(sha256(value)));
    }

    /** Whether {@link #prefix} is shorter than the value it came from. */
    public boolean truncated() {
        return prefix.length < size;
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
