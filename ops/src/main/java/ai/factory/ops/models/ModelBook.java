package ai.factory.ops.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of the compacted {@code models} topic: the latest record of every {@code name/version} key, and
 * each model's champion by the contract (the highest version whose latest status is CHAMPION). Thread-safe.
 *
 * <p>Kept per model as versions by number and the set of versions whose latest status is CHAMPION, so applying a
 * record, finding the champion and the previous one cost O(log V), and {@link #listing} costs O(listed), whatever
 * the number V of releases the run has published. Every version stays known (about 2 KB each, the topic's own
 * state), so promote and roll back work on any of them.
 */
public final class ModelBook {

    /** Versions listed per model by {@link #listing()}: the newest ones, plus the champion wherever it is. */
    public static final int LISTED_PER_MODEL = 50;

    /** Every key's latest view, for tombstones (a tombstone carries only its key). */
    private final Map<String, ModelVersionView> byKey = new HashMap<>();
    private final Map<String, Model> models = new TreeMap<>();

    private static final class Model {
        final TreeMap<Long, ModelVersionView> versions = new TreeMap<>();
        /** Versions whose latest status is CHAMPION; the highest is the champion. */
        final TreeSet<Long> champions = new TreeSet<>();

        ModelVersionView champion() {
            return champions.isEmpty() ? null : versions.get(champions.last());
        }
    }

    /** Applies a record of the topic; a null view is a tombstone that deletes the key. */
    public synchronized void apply(String key, ModelVersionView view) {
        ModelVersionView old = view == null ? byKey.remove(key) : byKey.put(key, view);
        if (old != null) {
            Model model = models.get(old.name());
            // Removed only if this key still owns the slot (two keys naming one version: the latest write wins).
            if (model != null && model.versions.remove(old.version(), old)) {
                model.champions.remove(old.version());
                if (model.versions.isEmpty()) {
                    models.remove(old.name());
                }
            }
        }
        if (view != null) {
            Model model = models.computeIfAbsent(view.name(), n -> new Model());
            model.versions.put(view.version(), view);
            if (view.status().equals("CHAMPION")) {
                model.champions.add(view.version());
            } else {
                model.champions.remove(view.version());
            }
        }
    }

    /** The champion of {@code name}, if any. */
    public synchronized Optional<ModelVersionView> champion(String name) {
        Model model = models.get(name);
        return Optional.ofNullable(model == null ? null : model.champion()).map(v -> v.asChampion(true));
    }

    /** The champion that takes over when the champion of {@code name} is rolled back, if any. */
    public synchronized Optional<ModelVersionView> previousChampion(String name) {
        Model model = models.get(name);
        if (model == null || model.champions.isEmpty()) {
            return Optional.empty();
        }
        Long previous = model.champions.lower(model.champions.last());
        return Optional.ofNullable(previous == null ? null : model.versions.get(previous));
    }

    /** One version's latest record. */
    public synchronized Optional<ModelVersionView> version(String name, long version) {
        Model model = models.get(name);
        ModelVersionView view = model == null ? null : model.versions.get(version);
        if (view == null) {
            return Optional.empty();
        }
        ModelVersionView champion = model.champion();
        return Optional.of(view.asChampion(champion != null && champion.version() == version));
    }

    /** How many versions are known, over all models. */
    public synchronized int size() {
        return byKey.size();
    }

    /**
     * Every version, newest first within each model name, champions marked. O(V): for tools and tests; views
     * refreshed with the run use {@link #listing()}.
     */
    public synchronized List<ModelVersionView> versions() {
        List<ModelVersionView> out = new ArrayList<>();
        models.values().forEach(model -> list(model, Integer.MAX_VALUE, out));
        return out;
    }

    /** The newest {@value #LISTED_PER_MODEL} versions of each model plus its champion; see {@link #listing(int)}. */
    public ModelListing listing() {
        return listing(LISTED_PER_MODEL);
    }

    /**
     * The newest {@code perModel} versions of each model, newest first, plus its champion when it is older (last
     * in its model's list), with each model's totals. O(models × perModel), whatever the length of the run.
     */
    public synchronized ModelListing listing(int perModel) {
        List<ModelVersionView> versions = new ArrayList<>();
        List<ModelListing.Model> summaries = new ArrayList<>();
        for (Model model : models.values()) {
            int listed = list(model, perModel, versions);
            ModelVersionView champion = model.champion();
            ModelVersionView newest = model.versions.lastEntry().getValue();
            summaries.add(new ModelListing.Model(newest.name(), model.versions.size(), listed,
                    newest.version(), champion == null ? null : champion.version()));
        }
        return new ModelListing(versions, summaries, perModel);
    }

    /** Adds the newest {@code limit} versions of {@code model} and its champion to {@code out}; returns how many. */
    private static int list(Model model, int limit, List<ModelVersionView> out) {
        ModelVersionView champion = model.champion();
        long championVersion = champion == null ? Long.MIN_VALUE : champion.version();
        int listed = 0;
        boolean championListed = false;
        Iterator<ModelVersionView> newestFirst = model.versions.descendingMap().values().iterator();
        while (listed < limit && newestFirst.hasNext()) {
            ModelVersionView v = newestFirst.next();
            boolean isChampion = v.version() == championVersion;
            championListed |= isChampion;
            out.add(v.asChampion(isChampion));
            listed++;
        }
        if (champion != null && !championListed) {
            out.add(champion.asChampion(true));
            listed++;
        }
        return listed;
    }
}
