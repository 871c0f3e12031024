package ai.factory.ops.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * state), so promote and roll back work on any of them. The first screen, {@link #overviews}, is each model's
 * champion, lineage and latest decisions, O(models × (lineage + decisions) × log V); every release is behind
 * {@link #page}.
 */
public final class ModelBook {

    /** Versions listed per model by {@link #listing()}: the newest ones, plus the champion wherever it is. */
    public static final int LISTED_PER_MODEL = 50;

    /** Releases of the champion's lineage on the first screen. */
    public static final int LINEAGE = 10;
    /** Latest decisions on the first screen. */
    public static final int DECISIONS = 20;
    /** The largest page of {@link #page}. */
    public static final int MAX_PAGE_SIZE = 200;

    /** The statuses counted on the first screen, always present (zero or not), in this order. */
    private static final List<ReleaseStatus> COUNTED = List.of(ReleaseStatus.CANDIDATE, ReleaseStatus.CHAMPION,
            ReleaseStatus.REJECTED, ReleaseStatus.ROLLED_BACK, ReleaseStatus.RETIRED);

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

    /** What resuming {@code name}'s trainer would write; {@link ReleaseRefusedException} if the ledger refuses. */
    public synchronized LedgerDecision resume(String name, ReleaseActor by, String reason) {
        return ledger.resume(name, by, reason);
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

    /** Each model's first screen with the default bounds, {@value #LINEAGE} and {@value #DECISIONS}. */
    public List<ModelOverview> overviews() {
        return overviews(LINEAGE, DECISIONS);
    }

    /**
     * Each model's champion, its lineage (at most {@code lineage} releases) and its latest decisions (at most
     * {@code decisions}), with counts by status, as the {@link ReleaseLedger} orders them. Bounded whatever the
     * number of releases.
     */
    public synchronized List<ModelOverview> overviews(int lineage, int decisions) {
        List<ModelOverview> out = new ArrayList<>();
        for (Map.Entry<String, Model> entry : models.entrySet()) {
            String name = entry.getKey();
            Model model = entry.getValue();
            ModelVersionView champion = model.champion();
            long championVersion = champion == null ? Long.MIN_VALUE : champion.version();
            List<ModelVersionView> line = champion == null ? List.of()
                    : views(model, ledger.lineage(name, new ReleaseSpec(champion.specName(), champion.specVersion()), lineage),
                    championVersion);
            Map<ReleaseStatus, Integer> byStatus = ledger.statusCounts(name);
            Map<String, Integer> counts = new LinkedHashMap<>();
            COUNTED.forEach(s -> counts.put(s.name(), byStatus.getOrDefault(s, 0)));
            byStatus.forEach((s, n) -> counts.putIfAbsent(s.name(), n));
            out.add(new ModelOverview(name, model.versions.size(), model.versions.lastKey(),
                    champion == null ? null : champion.asChampion(true), line,
                    views(model, ledger.recentDecisions(name, decisions), championVersion), counts));
        }
        return out;
    }

    /** The book's views of the ledger's releases, the champion marked. */
    private static List<ModelVersionView> views(Model model, List<ReleaseFacts> releases, long championVersion) {
        return releases.stream().map(f -> model.versions.get(f.version())).filter(Objects::nonNull)
                .map(v -> v.asChampion(v.version() == championVersion)).toList();
    }

    /**
     * Page {@code page} (0-based) of every release of {@code name}, newest version first, {@code size} per page
     * (1 to {@value #MAX_PAGE_SIZE}). O((page + 1) × size): for an operator paging back, not for each refresh.
     */
    public synchronized ModelPage page(String name, int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page must be 0 or more and size 1 to " + MAX_PAGE_SIZE);
        }
        Model model = models.get(name);
        if (model == null) {
            return new ModelPage(name, page, size, 0, List.of());
        }
        ModelVersionView champion = model.champion();
        long championVersion = champion == null ? Long.MIN_VALUE : champion.version();
        List<ModelVersionView> versions = model.versions.descendingMap().values().stream()
                .skip((long) page * size).limit(size).map(v -> v.asChampion(v.version() == championVersion)).toList();
        return new ModelPage(name, page, size, model.versions.size(), versions);
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
