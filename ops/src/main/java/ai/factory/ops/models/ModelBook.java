package ai.factory.ops.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.LedgerDecision;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.release.ReleaseSpec;

/**
 * The state of the compacted {@code models} topic: the latest record of every {@code name/version} key, and
 * each model's champion as the {@link ReleaseLedger} decides it (the same rule and guards as every other reader and
 * writer of the topic). Thread-safe.
 *
 * <p>Kept per model as versions by number beside the ledger, so applying a record and finding the champion cost
 * O(log V), and {@link #listing} costs O(listed), whatever
 * the number V of releases the run has published. Every version stays known (about 2 KB each, the topic's own
 * state), so promote and roll back work on any of them.
 */
public final class ModelBook {

    /** Versions listed per model by {@link #listing()}: the newest ones, plus the champion wherever it is. */
    public static final int LISTED_PER_MODEL = 50;

    /** Every key's latest view, for tombstones (a tombstone carries only its key). */
    private final Map<String, ModelVersionView> byKey = new HashMap<>();
    private final Map<String, Model> models = new TreeMap<>();
    private final ReleaseLedger ledger = new ReleaseLedger();

    private final class Model {
        final TreeMap<Long, ModelVersionView> versions = new TreeMap<>();

        ModelVersionView champion() {
            if (versions.isEmpty()) {
                return null;
            }
            return ledger.champion(versions.firstEntry().getValue().name()).map(c -> versions.get(c.version())).orElse(null);
        }
    }

    /** Applies a record of the topic; a null view is a tombstone that deletes the key. */
    public synchronized void apply(String key, ModelVersionView view) {
        ModelVersionView old = view == null ? byKey.remove(key) : byKey.put(key, view);
        if (old != null) {
            Model model = models.get(old.name());
            // Removed only if this key still owns the slot (two keys naming one version: the latest write wins).
            if (model != null && model.versions.remove(old.version(), old)) {
                if (model.versions.isEmpty()) {
                    models.remove(old.name());
                }
            }
        }
        if (view != null) {
            Model model = models.computeIfAbsent(view.name(), n -> new Model());
            model.versions.put(view.version(), view);
        }
        ledger.apply(key, view == null ? null : factsOf(view), view == null ? Long.MAX_VALUE : view.offset());
    }

    private static ReleaseFacts factsOf(ModelVersionView view) {
        ReleaseStatus status;
        try {
            status = ReleaseStatus.valueOf(view.status());
        } catch (IllegalArgumentException e) {
            status = ReleaseStatus.UNKNOWN;
        }
        ReleaseActor by;
        try {
            by = ReleaseActor.valueOf(view.statusBy());
        } catch (IllegalArgumentException e) {
            by = ReleaseActor.UNKNOWN;
        }
        return new ReleaseFacts(view.name(), view.version(), view.parentVersion(),
                new ReleaseSpec(view.specName(), view.specVersion()), status, view.statusReason(), by);
    }

    /** What an operator's promotion of {@code name/version} writes; refused by the ledger's guards. */
    public synchronized LedgerDecision promote(String name, long version, ReleaseActor by, String reason) {
        return ledger.promote(name, version, by, reason);
    }

    /** What an operator's roll back of {@code name}'s champion writes; refused by the ledger's guards. */
    public synchronized LedgerDecision rollback(String name, ReleaseActor by, String reason) {
        return ledger.rollback(name, by, reason);
    }

    /** The champion of {@code name}, if any. */
    public synchronized Optional<ModelVersionView> champion(String name) {
        Model model = models.get(name);
        return Optional.ofNullable(model == null ? null : model.champion()).map(v -> v.asChampion(true));
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
