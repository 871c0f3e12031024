package ai.factory.ops.kafka;

/** A data record found by {@link PositionReader}: where it is, its timestamp and its value bytes. */
public record FoundRecord(long offset, long timestampMs, byte[] value) {

    /** The same record without its value, for caches. */
    public FoundRecord withoutValue() {
        return value == null ? this : new FoundRecord(offset, timestampMs, null);
    }
}
