package ai.factory.ops.models;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of the compacted {@code models} topic: the latest record of every {@code name/version} key, and
 * each model's champion by the contract (the highest version whose latest status is CHAMPION). Thread-safe.
 */
public final class ModelBook {

    private final Map<String, ModelVersionView> latest = new TreeMap<>();

    /** Applies a record of the topic; a null view is a tombstone that deletes the key. */
    public synchronized void apply(String key, ModelVersionView view) {
        if (view == null) {
            latest.remove(key);
        } else {
            latest.put(key, view);
        }
    }

    /** The champion of {@code name}, if any. */
    public synchronized Optional<ModelVersionView> champion(String name) {
        return latest.values().stream()
                .filter(v -> v.name().equals(name) && v.status().equals("CHAMPION"))
                .max(Comparator.comparingLong(ModelVersionView::version));
    }

    /** One version's latest record. */
    public synchronized Optional<ModelVersionView> version(String name, long version) {
        return Optional.ofNullable(latest.get(name + "/" + version));
    }

    /** Every version, newest first within each model name, champions marked. */
    public synchronized List<ModelVersionView> versions() {
        List<ModelVersionView> out = new ArrayList<>();
        for (ModelVersionView v : latest.values()) {
            long champion = champion(v.name()).map(ModelVersionView::version).orElse(Long.MIN_VALUE);
            out.add(v.asChampion(v.version() == champion));
        }
        out.sort(Comparator.comparing(ModelVersionView::name).thenComparing(ModelVersionView::version, Comparator.reverseOrder()));
        return out;
    }
}
