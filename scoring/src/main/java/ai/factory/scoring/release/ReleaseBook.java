package ai.factory.scoring.release;

import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;
import ai.factory.release.ReleaseSpec;
import org.apache.avro.Schema;

/**
 * The latest record of every release key read from the compacted models topic, with the graphs the scorer may
 * serve soon. Which release is champion (and challenger) the {@link ReleaseLedger} decides, the same for every
 * reader of the topic; this book only adds the graphs. Vectors are scored per feature spec, so the ledger is asked
 * per spec. Not thread-safe: the models reader owns it.
 *
 * <p>Memory. An older champion is not retired when a newer one is promoted, so a long run keeps thousands of
 * CHAMPION releases, each with its graph (about 1 MB for the flights model). The book holds a graph only while
 * its release may serve soon: per model and spec, the {@link #KEPT_CHAMPIONS} newest champions and the newest
 * candidate. Every other release keeps its metadata and where its record is; {@link #droppedGraph} says where
 * to read the graph back from, should a deep rollback bring that release back.
 *
 * <p>Work. For the n releases of the record's model and spec, {@link #apply} costs O(log n + K) (ledger and tree
 * updates, and a walk over the K+1 latest champions to drop the graph pushed out of them), {@link #champion} and
 * {@link #challenger} O(log n), each step of {@link #championsNewestFirst} O(log n), {@link #specs} O(s) for the
 * model's s specs. Nothing scans the releases of other specs or models.
 */
public final class ReleaseBook {

    /**
     * Champions per model and spec whose graph is held. The champion serves; the next ones in the ledger's order
     * are what a rollback brings back, so up to two rollbacks in a row swap in without reading the topic.
     * Deeper rollbacks are rare and read the graph back. Each held graph costs its size in heap (~1 MB for flights).
     */
    public static final int KEPT_CHAMPIONS = 3;

    private static final Comparator<SpecKey> SPEC_ORDER =
            Comparator.comparing(SpecKey::specName).thenComparingInt(SpecKey::specVersion);
    /** Sequence of a tombstone, which the ledger only uses to forget the key. */
    private static final long TOMBSTONE = Long.MAX_VALUE;
    private static final int ONNX_FIELD = ModelRelease.getClassSchema().getField("onnx").pos();

    private final Map<ReleaseKey, Entry> latest = new HashMap<>();
    private final ReleaseLedger ledger = new ReleaseLedger();
    /** Candidates per model and spec by version, for the graph of the newest one. */
    private final Map<String, NavigableMap<SpecKey, SpecReleases>> byModel = new HashMap<>();
    /** What the held graphs cost, kept up to date on every change so that reading it is O(1). */
    private final GraphTally held = new GraphTally();

    /**
     * Records the latest state of {@code key}, whose record is at {@code position}; a null release (tombstone)
     * forgets it. The book keeps {@code release} as given, or a copy of it without the graph.
     */
    public void apply(ReleaseKey key, ModelRelease release, RecordPosition position) {
        Entry previous = release == null ? latest.remove(key) : latest.get(key);
        if (previous != null) {
            unindex(key, previous);
            previous.forget();
        }
        if (release == null) {
            ledger.apply(key.toString(), null, TOMBSTONE);
            return;
        }
        Objects.requireNonNull(position, "position");
        // One partition: the offset orders the decisions, as the ledger's rule needs.
        ReleaseFacts facts = ReleaseFacts.of(release);
        // Named by its key, as the book is: a record whose content names another version is still this key.
        ledger.apply(key.toString(), new ReleaseFacts(key.modelName(), key.version(), facts.parentVersion(), facts.spec(),
                facts.status(), facts.reason(), facts.actor()), position.offset());
        // This scorer's verdict on a release holds for every later record of its key, until a tombstone.
        Entry entry = new Entry(release, specOf(release), position, previous != null && previous.refused, held);
        latest.put(key, entry);
        index(key, entry);
    }

    /** The latest record of {@code key}; its graph is empty when {@link #droppedGraph} names where it is. */
    public Optional<ModelRelease> get(ReleaseKey key) {
        return Optional.ofNullable(latest.get(key)).map(e -> e.release);
    }

    /** Where the record of {@code key} is, when the book no longer holds its graph. */
    public Optional<RecordPosition> droppedGraph(ReleaseKey key) {
        Entry entry = latest.get(key);
        return entry != null && entry.graphDropped ? Optional.of(entry.position) : Optional.empty();
    }

    /**
     * Marks {@code key} as not servable by this scorer (it failed validation): its graph is dropped and it stays
     * refused for every later record of the key, until a tombstone forgets the key.
     */
    public void refuse(ReleaseKey key) {
        Entry entry = latest.get(key);
        if (entry != null) {
            entry.refused = true;
            entry.dropGraph();
        }
    }

    public boolean refused(ReleaseKey key) {
        Entry entry = latest.get(key);
        return entry != null && entry.refused;
    }

    /** The specs some release of {@code modelName} consumes. */
    public Set<SpecKey> specs(String modelName) {
        Set<SpecKey> specs = new TreeSet<>(SPEC_ORDER);
        ledger.specs(modelName).forEach(s -> specs.add(new SpecKey(s.name(), s.version())));
        return specs;
    }

    /**
     * Releases of {@code modelName} for {@code spec} whose latest status is CHAMPION, the champion first, then the
     * ones rollbacks would bring back, in the ledger's order. A view: walk it before the next {@link #apply}; it
     * stops costing as soon as the walk stops.
     */
    public Iterable<ModelRelease> championsNewestFirst(String modelName, SpecKey spec) {
        Iterable<ReleaseFacts> champions = ledger.championsLatestFirst(modelName, specOf(spec));
        return () -> java.util.stream.StreamSupport.stream(champions.spliterator(), false)
                .map(f -> entryOf(f).release).iterator();
    }

    /** The champion of {@code modelName} for {@code spec}, as the ledger decides it. */
    public Optional<ModelRelease> champion(String modelName, SpecKey spec) {
        return ledger.champion(modelName, specOf(spec)).map(f -> entryOf(f).release);
    }

    /** The challenger of {@code modelName} for {@code spec}, as the ledger decides it. */
    public Optional<ModelRelease> challenger(String modelName, SpecKey spec) {
        return ledger.challenger(modelName, specOf(spec)).map(f -> entryOf(f).release);
    }

    /** Bytes of ONNX graph the book holds, over all its releases. */
    public long graphBytes() {
        return held.bytes;
    }

    /** How many releases the book holds the graph of. */
    public long graphsHeld() {
        return held.graphs;
    }

    /** How many releases the book knows (metadata and record position, whether or not it holds the graph). */
    public int releases() {
        return latest.size();
    }

    public static SpecKey specOf(ModelRelease release) {
        return new SpecKey(release.getSpecName(), release.getSpecVersion());
    }

    private static ReleaseSpec specOf(SpecKey spec) {
        return new ReleaseSpec(spec.specName(), spec.specVersion());
    }

    private Entry entryOf(ReleaseFacts facts) {
        return latest.get(new ReleaseKey(facts.model(), facts.version()));
    }

    private void index(ReleaseKey key, Entry entry) {
        SpecReleases releases = byModel.computeIfAbsent(key.modelName(), m -> new TreeMap<>(SPEC_ORDER))
                .computeIfAbsent(entry.spec, s -> new SpecReleases());
        releases.count++;
        if (entry.status() == ReleaseStatus.CHAMPION) {
            keepNewestChampions(key.modelName(), entry);
        } else if (entry.status() == ReleaseStatus.CANDIDATE) {
            releases.candidates.put(key.version(), entry);
            keepNewestCandidate(releases.candidates, key.version(), entry);
        } else {
            // Retired, rejected and unknown releases do not serve.
            entry.dropGraph();
        }
        if (entry.refused) {
            entry.dropGraph();
        }
    }

    private void unindex(ReleaseKey key, Entry entry) {
        NavigableMap<SpecKey, SpecReleases> ofModel = byModel.get(key.modelName());
        SpecReleases releases = ofModel.get(entry.spec);
        releases.candidates.remove(key.version());
        if (--releases.count == 0) {
            ofModel.remove(entry.spec);
            if (ofModel.isEmpty()) {
                byModel.remove(key.modelName());
            }
        }
    }

    /**
     * Only the {@link #KEPT_CHAMPIONS} latest champions in the ledger's order hold their graph. A CHAMPION record
     * comes last in that order, so adding one pushes at most one other out of them, the one now just below them;
     * removing one only moves the others up. So a walk over the K+1 latest keeps the invariant.
     */
    private void keepNewestChampions(String modelName, Entry added) {
        int rank = 0;
        boolean addedKept = false;
        for (ReleaseFacts facts : ledger.championsLatestFirst(modelName, specOf(added.spec))) {
            Entry entry = entryOf(facts);
            if (rank == KEPT_CHAMPIONS) {
                entry.dropGraph();
                break;
            }
            addedKept |= entry == added;
            rank++;
        }
        if (!addedKept) {
            added.dropGraph();
        }
    }

    /** Only the newest candidate, the one shadow scoring would run, holds its graph. */
    private static void keepNewestCandidate(NavigableMap<Long, Entry> candidates, long version, Entry added) {
        if (candidates.lastKey() != version) {
            added.dropGraph();
            return;
        }
        Map.Entry<Long, Entry> below = candidates.lowerEntry(version);
        if (below != null) {
            below.getValue().dropGraph();
        }
    }

    /** A copy of {@code release} without its graph, sharing every other field (no copy of the graph on the way). */
    private static ModelRelease withoutGraph(ModelRelease release) {
        ModelRelease copy = new ModelRelease();
        for (Schema.Field field : release.getSchema().getFields()) {
            copy.put(field.pos(), field.pos() == ONNX_FIELD ? ByteBuffer.allocate(0) : release.get(field.pos()));
        }
        return copy;
    }

    /** The latest record of one release key. */
    private static final class Entry {

        private final SpecKey spec;
        private final RecordPosition position;
        private final GraphTally tally;
        /** Counted when the entry is made, so that what is taken off the tally is what was put on it. */
        private final long graphBytes;
        private ModelRelease release;
        private boolean graphDropped;
        private boolean refused;

        Entry(ModelRelease release, SpecKey spec, RecordPosition position, boolean refused, GraphTally tally) {
            this.release = release;
            this.spec = spec;
            this.position = position;
            this.refused = refused;
            this.tally = tally;
            this.graphBytes = release.getOnnx().remaining();
            tally.add(1, graphBytes);
        }

        ReleaseStatus status() {
            return release.getStatus();
        }

        void dropGraph() {
            if (!graphDropped) {
                forget();
                release = withoutGraph(release);
            }
        }

        /** Takes the graph off the tally, for an entry dropped from the book. */
        void forget() {
            if (!graphDropped) {
                tally.add(-1, -graphBytes);
                graphDropped = true;
            }
        }
    }

    /** Graphs held and their bytes. */
    private static final class GraphTally {

        private long graphs;
        private long bytes;

        void add(long graphCount, long graphBytes) {
            graphs += graphCount;
            bytes += graphBytes;
        }
    }

    /** The candidates of one model and spec by version (the ledger has the rest). */
    private static final class SpecReleases {

        private final NavigableMap<Long, Entry> candidates = new TreeMap<>();
        /** Releases of every status, so the spec is known while any release of it is. */
        private int count;
    }
}
