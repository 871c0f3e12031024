package ai.factory.release;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;

/**
 * The one place that says which release of a model is champion, for every reader and writer of the compacted
 * {@code models} topic (scorer, trainer, CLI, ops API). Pure logic: callers feed it the topic's records and publish
 * the {@link Transition}s it allows.
 *
 * <p>The rule. Per model and feature spec, the champion is the release whose latest status is CHAMPION and whose
 * CHAMPION record came last on the topic (the highest sequence; the topic has one partition, so the offset). A
 * release becomes champion by being (re)published as CHAMPION; the trainer's gate does that for new releases, an
 * operator's promotion for any earlier one. Rolling back republishes the champion as ROLLED_BACK, which makes the
 * previous champion by that order current again. So "promote v3 while v5 serves" makes v3 champion for every
 * reader, and rolling that back returns to v5.
 *
 * <p>The guards, the same for every writer: a REJECTED release is never promoted; the only champion of a spec is
 * never rolled back (the scorers would be left without a model); promoting the champion is refused.
 *
 * <p>Work: {@link #apply} O(log n) for the n releases of the model; {@link #champion} O(log n); {@link #lineage} and
 * {@link #recentDecisions} O(limit log n); {@link #statusCounts} O(statuses). Not thread-safe.
 */
public final class ReleaseLedger {

    /** How the reason of a {@link #resume} record starts. */
    public static final String RESUMED = "training resumed";

    private final Map<String, Held> byKey = new HashMap<>();
    private final Map<String, ModelReleases> models = new TreeMap<>();

    /** The key of a release on the models topic. */
    public static String key(String model, long version) {
        return model + "/" + version;
    }

    /** Whether a release may go from {@code from} to {@code to}: the lifecycle, whoever asks. */
    public static boolean legal(ReleaseStatus from, ReleaseStatus to) {
        return switch (from) {
            case CANDIDATE -> to == ReleaseStatus.CHAMPION || to == ReleaseStatus.REJECTED || to == ReleaseStatus.RETIRED;
            case CHAMPION -> to == ReleaseStatus.RETIRED || to == ReleaseStatus.ROLLED_BACK;
            case RETIRED, ROLLED_BACK -> to == ReleaseStatus.CHAMPION;
            case REJECTED, UNKNOWN -> false;
        };
    }

    /**
     * Applies the record of {@code key} found at {@code sequence} (its offset); null facts are a tombstone that
     * forgets the key. A later record of a key replaces the earlier one.
     */
    public void apply(String key, ReleaseFacts facts, long sequence) {
        String k = key != null ? key : facts == null ? null : facts.key();
        if (k == null) {
            return;
        }
        Held previous = facts == null ? byKey.remove(k) : byKey.get(k);
        if (previous != null) {
            unindex(previous);
        }
        if (facts == null) {
            return;
        }
        Held held = new Held(facts, sequence);
        byKey.put(k, held);
        ModelReleases model = models.computeIfAbsent(facts.model(), m -> new ModelReleases());
        model.unlatest(model.versions.put(facts.version(), held));
        model.latest(held);
        SpecReleases spec = model.specs.computeIfAbsent(facts.spec(), s -> new SpecReleases());
        spec.count++;
        if (facts.status() == ReleaseStatus.CHAMPION) {
            spec.champions.put(sequence, held);
        } else if (facts.status() == ReleaseStatus.CANDIDATE) {
            spec.candidates.put(facts.version(), held);
        }
    }

    private void unindex(Held held) {
        ReleaseFacts facts = held.facts;
        ModelReleases model = models.get(facts.model());
        if (model == null) {
            return;
        }
        // Removed only if this key still owns the slot (two keys naming one version: the latest write wins).
        if (model.versions.remove(facts.version(), held)) {
            model.unlatest(held);
        }
        SpecReleases spec = model.specs.get(facts.spec());
        if (spec != null) {
            spec.champions.remove(held.sequence, held);
            spec.candidates.remove(facts.version(), held);
            if (--spec.count == 0) {
                model.specs.remove(facts.spec());
            }
        }
        if (model.versions.isEmpty() && model.specs.isEmpty()) {
            models.remove(facts.model());
        }
    }

    /** The champion of {@code model} for {@code spec}. */
    public Optional<ReleaseFacts> champion(String model, ReleaseSpec spec) {
        SpecReleases releases = specReleases(model, spec);
        return releases == null || releases.champions.isEmpty() ? Optional.empty()
                : Optional.of(releases.champions.lastEntry().getValue().facts);
    }

    /** The champion of {@code model} over its specs: the one whose CHAMPION record came last. */
    public Optional<ReleaseFacts> champion(String model) {
        return latestChampion(model).map(h -> h.facts);
    }

    /**
     * The releases of {@code model} for {@code spec} whose latest status is CHAMPION, the champion first, then the
     * ones a roll back would bring back, in order. A view: walk it before the next {@link #apply}.
     */
    public Iterable<ReleaseFacts> championsLatestFirst(String model, ReleaseSpec spec) {
        SpecReleases releases = specReleases(model, spec);
        if (releases == null) {
            return List.of();
        }
        Collection<Held> latestFirst = releases.champions.descendingMap().values();
        return () -> latestFirst.stream().map(h -> h.facts).iterator();
    }

    /** The challenger: the highest CANDIDATE version above the champion's, for {@code spec}. */
    public Optional<ReleaseFacts> challenger(String model, ReleaseSpec spec) {
        SpecReleases releases = specReleases(model, spec);
        if (releases == null || releases.candidates.isEmpty()) {
            return Optional.empty();
        }
        long championVersion = champion(model, spec).map(ReleaseFacts::version).orElse(Long.MIN_VALUE);
        ReleaseFacts newest = releases.candidates.lastEntry().getValue().facts;
        return newest.version() > championVersion ? Optional.of(newest) : Optional.empty();
    }

    /** One release's latest facts. */
    public Optional<ReleaseFacts> release(String model, long version) {
        ModelReleases releases = models.get(model);
        Held held = releases == null ? null : releases.versions.get(version);
        return Optional.ofNullable(held).map(h -> h.facts);
    }

    /** The releases of {@code model}, by version. */
    public List<ReleaseFacts> releases(String model) {
        ModelReleases releases = models.get(model);
        return releases == null ? List.of() : releases.versions.values().stream().map(h -> h.facts).toList();
    }

    /** The models with a release, by name. */
    public Set<String> models() {
        return new TreeSet<>(models.keySet());
    }

    /** The specs some release of {@code model} consumes. */
    public Set<ReleaseSpec> specs(String model) {
        ModelReleases releases = models.get(model);
        return releases == null ? Set.of() : new TreeSet<>(releases.specs.keySet());
    }

    /** The highest version of {@code model}, or 0. */
    public long latestVersion(String model) {
        ModelReleases releases = models.get(model);
        return releases == null || releases.versions.isEmpty() ? 0L : releases.versions.lastKey();
    }

    /** How many releases the ledger knows. */
    public int size() {
        return byKey.size();
    }

    /**
     * Makes {@code model/version} the champion of its spec by publishing it as CHAMPION: every reader sees it as
     * champion from that record on. The champion it replaces keeps its CHAMPION record and is the next in line,
     * so rolling the promotion back returns to it (an undo), exactly as after a trainer's promotion.
     *
     * @throws ReleaseRefusedException for an unknown, rejected or already-champion release
     */
    public LedgerDecision promote(String model, long version, ReleaseActor by, String reason) {
        ReleaseFacts target = release(model, version)
                .orElseThrow(() -> new ReleaseRefusedException("no release " + key(model, version)));
        Optional<ReleaseFacts> current = champion(model, target.spec());
        if (current.isPresent() && current.get().version() == version) {
            throw new ReleaseRefusedException(key(model, version) + " is already the champion");
        }
        if (target.status() == ReleaseStatus.REJECTED) {
            throw new ReleaseRefusedException(key(model, version) + " was rejected (" + target.reason()
                    + "); a rejected release is never promoted");
        }
        // An earlier champion that is no longer current (a later one was decided) is decided again.
        if (target.status() != ReleaseStatus.CHAMPION && !legal(target.status(), ReleaseStatus.CHAMPION)) {
            throw new ReleaseRefusedException(key(model, version) + " is " + target.status() + " and cannot be promoted");
        }
        String why = reason == null || reason.isBlank() ? "promoted by " + label(by)
                + current.map(c -> " over " + c.key()).orElse("") : reason;
        return new LedgerDecision(List.of(new Transition(model, version, target.status(), ReleaseStatus.CHAMPION, by, why)),
                Optional.of(target.with(ReleaseStatus.CHAMPION, by, why)));
    }

    /**
     * Rolls back the champion of {@code model} (over its specs, the latest decided): publishes it as ROLLED_BACK,
     * which makes the previous champion of its spec current again.
     *
     * @throws ReleaseRefusedException when there is no champion, or it is the only one of its spec
     */
    public LedgerDecision rollback(String model, ReleaseActor by, String reason) {
        Held current = latestChampion(model)
                .orElseThrow(() -> new ReleaseRefusedException(model + " has no champion to roll back"));
        ReleaseFacts champion = current.facts;
        Map.Entry<Long, Held> previous = specReleases(model, champion.spec()).champions.lowerEntry(current.sequence);
        if (previous == null) {
            throw new ReleaseRefusedException(champion.key()
                    + " is the only champion; rolling back would leave the scorers without a model");
        }
        String why = reason == null || reason.isBlank() ? "rolled back by " + label(by) : reason;
        return new LedgerDecision(
                List.of(new Transition(model, champion.version(), ReleaseStatus.CHAMPION, ReleaseStatus.ROLLED_BACK, by, why)),
                Optional.of(previous.getValue().facts));
    }

    /**
     * Tells a trainer that holds its releases after an operator's move ({@code --after-operator hold}) to publish
     * again: re-records the champion of {@code model} (over its specs, the latest decided), its status unchanged, with
     * a reason starting "training resumed". Serving does not change.
     *
     * @throws ReleaseRefusedException when there is no champion
     */
    public LedgerDecision resume(String model, ReleaseActor by, String reason) {
        ReleaseFacts champion = latestChampion(model)
                .orElseThrow(() -> new ReleaseRefusedException(model + " has no champion to resume training from")).facts;
        String why = RESUMED + " by " + label(by) + (reason == null || reason.isBlank() ? "" : ": " + reason);
        return new LedgerDecision(
                List.of(new Transition(model, champion.version(), ReleaseStatus.CHAMPION, ReleaseStatus.CHAMPION, by, why)),
                Optional.of(champion.with(ReleaseStatus.CHAMPION, by, why)));
    }

    /** Whether {@code facts} is the record {@link #resume} writes. */
    public static boolean resumes(ReleaseFacts facts) {
        return facts.status() == ReleaseStatus.CHAMPION && facts.reason().startsWith(RESUMED);
    }

    /** The sequence (offset) of the latest record of {@code model/version}, or -1 for a release the ledger lacks. */
    public long sequence(String model, long version) {
        ModelReleases releases = models.get(model);
        Held held = releases == null ? null : releases.versions.get(version);
        return held == null ? -1 : held.sequence;
    }

    /**
     * The champion of {@code model} for {@code spec}, then its parent, grandparent ... by {@code parentVersion}, as
     * far as the ledger knows them (a parent it does not hold, or a loop, ends the line), at most {@code limit}.
     * Empty without a champion.
     */
    public List<ReleaseFacts> lineage(String model, ReleaseSpec spec, int limit) {
        List<ReleaseFacts> line = new ArrayList<>();
        Optional<ReleaseFacts> next = champion(model, spec);
        Set<Long> seen = new HashSet<>();
        while (next.isPresent() && line.size() < limit && seen.add(next.get().version())) {
            ReleaseFacts release = next.get();
            line.add(release);
            next = release.parentVersion() == null ? Optional.empty() : release(model, release.parentVersion());
        }
        return line;
    }

    /**
     * The releases of {@code model} by the sequence of their latest record, newest first, at most {@code limit}. On
     * a compacted topic a release's latest record is its latest decision (published, promoted, rejected, rolled
     * back, retired), so these are the model's latest decisions.
     */
    public List<ReleaseFacts> recentDecisions(String model, int limit) {
        ModelReleases releases = models.get(model);
        if (releases == null) {
            return List.of();
        }
        List<ReleaseFacts> out = new ArrayList<>(Math.min(Math.max(limit, 0), releases.bySequence.size()));
        for (Held held : releases.bySequence.descendingSet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(held.facts);
        }
        return out;
    }

    /** How many releases of {@code model} have each latest status (statuses none has are absent). */
    public Map<ReleaseStatus, Integer> statusCounts(String model) {
        ModelReleases releases = models.get(model);
        return releases == null ? Map.of() : Map.copyOf(releases.counts);
    }

    private static String label(ReleaseActor by) {
        return by.name().toLowerCase(java.util.Locale.ROOT);
    }

    private Optional<Held> latestChampion(String model) {
        ModelReleases releases = models.get(model);
        if (releases == null) {
            return Optional.empty();
        }
        Held latest = null;
        for (SpecReleases spec : releases.specs.values()) {
            if (!spec.champions.isEmpty()) {
                Held top = spec.champions.lastEntry().getValue();
                if (latest == null || top.sequence > latest.sequence) {
                    latest = top;
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    private SpecReleases specReleases(String model, ReleaseSpec spec) {
        ModelReleases releases = models.get(model);
        return releases == null ? null : releases.specs.get(spec);
    }

    /** A release's latest facts and the sequence of its record. */
    private static final class Held {
        final ReleaseFacts facts;
        final long sequence;

        Held(ReleaseFacts facts, long sequence) {
            this.facts = Objects.requireNonNull(facts);
            this.sequence = sequence;
        }
    }

    private static final class ModelReleases {
        /** Orders releases by their latest record; the version breaks ties (records of several partitions). */
        static final Comparator<Held> BY_SEQUENCE =
                Comparator.<Held>comparingLong(h -> h.sequence).thenComparingLong(h -> h.facts.version());

        final NavigableMap<Long, Held> versions = new TreeMap<>();
        final Map<ReleaseSpec, SpecReleases> specs = new TreeMap<>();
        /** The releases in {@link #versions}, by the sequence of their latest record. */
        final NavigableSet<Held> bySequence = new TreeSet<>(BY_SEQUENCE);
        /** The releases in {@link #versions} by latest status. */
        final Map<ReleaseStatus, Integer> counts = new EnumMap<>(ReleaseStatus.class);

        /** Indexes a release that now holds its version's slot. */
        void latest(Held held) {
            bySequence.add(held);
            counts.merge(held.facts.status(), 1, Integer::sum);
        }

        /** Forgets a release that no longer holds its version's slot; null is nothing. */
        void unlatest(Held held) {
            if (held != null && bySequence.remove(held)) {
                counts.computeIfPresent(held.facts.status(), (s, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    /** The releases of one model and spec: champions by the sequence of their CHAMPION record, candidates by version. */
    private static final class SpecReleases {
        final NavigableMap<Long, Held> champions = new TreeMap<>();
        final NavigableMap<Long, Held> candidates = new TreeMap<>();
        int count;
    }
}
