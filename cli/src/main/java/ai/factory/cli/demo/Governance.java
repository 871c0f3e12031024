package ai.factory.cli.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.release.ReleaseFacts;
import ai.factory.release.ReleaseLedger;

/**
 * The model decisions of a run as they arrive on the {@code models} topic, read live: which release is champion (by
 * the {@link ReleaseLedger}, the rule every reader and writer shares), and each decision counted when it is made,
 * with the most recent ones and their reasons. A compacted topic read live shows every record, so every decision is
 * seen, even those a later record of the same release replaces. Bounded: the ledger keeps facts (no graph) per
 * release, plus the last {@link #RECENT} decisions. Not thread-safe.
 */
public final class Governance {

    /** Decisions kept for the report, the most recent. */
    public static final int RECENT = 20;

    private final ReleaseLedger ledger = new ReleaseLedger();
    private final Map<ReleaseActor, Long> promotions = new EnumMap<>(ReleaseActor.class);
    private final Map<ReleaseActor, Long> rejections = new EnumMap<>(ReleaseActor.class);
    private final Map<ReleaseActor, Long> rollbacks = new EnumMap<>(ReleaseActor.class);
    private long candidates;
    private long retirements;
    private final Deque<Decision> recent = new ArrayDeque<>();
    private String lastModel;

    /**
     * One record of the topic, at {@code offset} (the topic has one partition): null facts are a tombstone.
     *
     * @return the decision the record made, if it made one (a record repeating a release's status makes none)
     */
    public Optional<Decision> take(String key, ReleaseFacts facts, long offset) {
        if (facts == null) {
            ledger.apply(key, null, offset);
            return Optional.empty();
        }
        Optional<ReleaseFacts> before = ledger.release(facts.model(), facts.version());
        Optional<ReleaseFacts> championBefore = ledger.champion(facts.model(), facts.spec());
        ledger.apply(key, facts, offset);
        lastModel = facts.model();
        boolean changed = before.map(b -> b.status() != facts.status()).orElse(true);
        // A CHAMPION record makes its release champion; it is a promotion unless that release already served
        // (an earlier champion republished after a later one is one: it serves again).
        boolean promoted = facts.status() == ReleaseStatus.CHAMPION
                && championBefore.map(c -> c.version() != facts.version()).orElse(true);
        if (!changed && !promoted) {
            return Optional.empty();
        }
        switch (facts.status()) {
            case CHAMPION -> {
                if (!promoted) {
                    return Optional.empty();
                }
                promotions.merge(facts.actor(), 1L, Long::sum);
            }
            case REJECTED -> rejections.merge(facts.actor(), 1L, Long::sum);
            case ROLLED_BACK -> rollbacks.merge(facts.actor(), 1L, Long::sum);
            case CANDIDATE -> candidates++;
            case RETIRED -> retirements++;
            case UNKNOWN -> {
                return Optional.empty();
            }
        }
        Decision decision = new Decision(facts.version(), facts.status(), facts.actor(), facts.reason());
        recent.addLast(decision);
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
        return Optional.of(decision);
    }

    /** The current champion of the model of the latest record, by the ledger's rule. */
    public Optional<ReleaseFacts> champion() {
        return lastModel == null ? Optional.empty() : ledger.champion(lastModel);
    }

    /** The releases known, one per release key. */
    public int releases() {
        return ledger.size();
    }

    /** The figures so far. */
    public Summary summary() {
        return new Summary(ledger.size(), candidates, Map.copyOf(promotions), Map.copyOf(rejections), Map.copyOf(rollbacks),
                retirements, champion().map(ReleaseFacts::version).orElse(-1L), List.copyOf(recent));
    }

    /** One decision: the status a release was given, by whom and why. */
    public record Decision(long version, ReleaseStatus status, ReleaseActor by, String reason) {
    }

    /**
     * The decisions of a run.
     *
     * @param releases        releases known (one per release key)
     * @param candidates      releases that became CANDIDATE (published to wait for a decision)
     * @param promotions      records that made a release champion, by who decided
     * @param rejections      releases rejected, by who decided
     * @param rollbacks       champions rolled back, by who decided
     * @param championVersion the ledger's champion at the end, -1 for none
     * @param recent          the last {@link #RECENT} decisions, oldest first
     */
    public record Summary(long releases, long candidates, Map<ReleaseActor, Long> promotions, Map<ReleaseActor, Long> rejections,
                          Map<ReleaseActor, Long> rollbacks, long retirements, long championVersion, List<Decision> recent) {

        public long promotionCount() {
            return total(promotions);
        }

        public long rejectionCount() {
            return total(rejections);
        }

        public long rollbackCount() {
            return total(rollbacks);
        }

        private static long total(Map<ReleaseActor, Long> byActor) {
            return byActor.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
