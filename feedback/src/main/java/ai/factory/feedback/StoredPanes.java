package ai.factory.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import ai.factory.feedback.quality.ModelQualitySerde;
import ai.factory.feedback.quality.PaneStore;
import ai.factory.feedback.quality.WindowMetrics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The panes of one model version in the quality processor's pane store: key {@code <model>/<version>|c|<seq>} for a
 * count pane, {@code <model>/<version>|t|<start>} for a time pane, the number as {@link #sortable} hex so that a
 * version's time panes are one key range in start order.
 */
final class StoredPanes implements PaneStore {

    private final KeyValueStore<String, byte[]> store;
    private final String countPrefix;
    private final String timePrefix;

    StoredPanes(KeyValueStore<String, byte[]> store, String version) {
        this.store = store;
        this.countPrefix = version + "|c|";
        this.timePrefix = version + "|t|";
    }

    @Override
    public WindowMetrics countPane(long seq) {
        return read(store.get(countPrefix + sortable(seq)));
    }

    @Override
    public void putCountPane(long seq, WindowMetrics pane) {
        store.put(countPrefix + sortable(seq), ModelQualitySerde.serializePane(pane));
    }

    @Override
    public void deleteCountPane(long seq) {
        store.delete(countPrefix + sortable(seq));
    }

    @Override
    public WindowMetrics timePane(long start) {
        return read(store.get(timePrefix + sortable(start)));
    }

    @Override
    public void putTimePane(long start, WindowMetrics pane) {
        store.put(timePrefix + sortable(start), ModelQualitySerde.serializePane(pane));
    }

    @Override
    public void deleteTimePane(long start) {
        store.delete(timePrefix + sortable(start));
    }

    @Override
    public List<Long> timePaneStarts(long from, long to) {
        List<Long> starts = new ArrayList<>();
        if (from < to) {
            try (KeyValueIterator<String, byte[]> it = store.range(timePrefix + sortable(from), timePrefix + sortable(to - 1))) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> entry = it.next();
                    if (isTimePane(entry.key)) {
                        starts.add(number(entry.key));
                    }
                }
            }
        }
        return starts;
    }

    @Override
    public OptionalLong firstTimePane(long from) {
        try (KeyValueIterator<String, byte[]> it = store.range(timePrefix + sortable(from), timePrefix + sortable(Long.MAX_VALUE))) {
            while (it.hasNext()) {
                String key = it.next().key;
                if (isTimePane(key)) {
                    return OptionalLong.of(number(key));
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Whether a key in this version's time range is one of its panes: another version's key can sort there only if
     * its own name starts with this version's pane prefix, and then it is longer.
     */
    private boolean isTimePane(String key) {
        return key.length() == timePrefix.length() + 16;
    }

    private static WindowMetrics read(byte[] value) {
        return value == null ? null : ModelQualitySerde.deserializePane(value);
    }

    /** {@code n} as 16 hex digits whose order as text is the numbers' order (sign bit flipped). */
    static String sortable(long n) {
        long bits = n ^ Long.MIN_VALUE;
        char[] digits = new char[16];
        for (int i = 15; i >= 0; i--) {
            digits[i] = Character.forDigit((int) (bits & 0xf), 16);
            bits >>>= 4;
        }
        return new String(digits);
    }

    static long number(String key) {
        return Long.parseUnsignedLong(key.substring(key.length() - 16), 16) ^ Long.MIN_VALUE;
    }
}
