package ai.factory.ops.freshness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.ops.models.ModelVersionView;

/**
 * The freshness chain of the releases shown, and nothing else: state for at most the shown releases plus
 * {@value #MAX_AHEAD} versions served before their release is read. A release stops being tracked when it is no
 * longer shown; its newest feedback is looked up once when it first is (a few tries when its examples cannot be
 * read), so the work per refresh follows the releases shown and the new ones, not the length of the run. Not
 * thread-safe.
 */
public final class FreshnessLedger {

    /** Tries to read a release's newest feedback before showing it without (its examples may be gone). */
    static final int MAX_LOOKUPS = 3;
    /** First predictions kept for versions newer than any shown (served before ops read their release). */
    static final int MAX_AHEAD = 256;

    private record Release(String model, long version) {
        static Release of(ModelVersionView v) {
            return new Release(v.name(), v.version());
        }
    }

    /** One example's two clocks: when it was joined (wall clock; null from older writers) and its label's data time. */
    public record FeedbackTimes(Long joinedAtMs, long labelTimeMs) {
    }

    /** A served prediction's two clocks: when it was served (wall clock) and its event's data time. */
    private record Served(long servedAtMs, long eventTimeMs) {
        Served earlier(Served other) {
            return other == null || servedAtMs <= other.servedAtMs ? this : other;
        }
    }

    private static final class Chain {
        Long newestFeedbackMs;
        Long newestFeedbackDataTimeMs;
        int lookups;
        Served firstPrediction;
    }

    private final Map<Release, Chain> chains = new HashMap<>();
    /** First predictions of versions newer than any shown, until their release is shown. */
    private final Map<Release, Served> ahead = new HashMap<>();
    private Map<String, Long> newestShown = Map.of();

    /**
     * Tracks {@code shown} from now on and forgets the releases no longer in it; returns those whose newest
     * feedback is still to be looked up.
     */
    public List<ModelVersionView> show(List<ModelVersionView> shown) {
        Set<Release> keep = new HashSet<>();
        Map<String, Long> newest = new HashMap<>();
        List<ModelVersionView> toLookUp = new ArrayList<>();
        for (ModelVersionView v : shown) {
            Release release = Release.of(v);
            keep.add(release);
            newest.merge(v.name(), v.version(), Math::max);
            Chain chain = chains.computeIfAbsent(release, r -> new Chain());
            Served served = ahead.remove(release);
            if (served != null) {
                chain.firstPrediction = served.earlier(chain.firstPrediction);
            }
            if (chain.newestFeedbackMs == null && chain.lookups < MAX_LOOKUPS && !v.trainingData().isEmpty()) {
                toLookUp.add(v);
            }
        }
        chains.keySet().retainAll(keep);
        newestShown = newest;
        ahead.keySet().removeIf(r -> !isAhead(r));
        return toLookUp;
    }

    /** Records one lookup of {@code release}'s newest feedback: the examples found at its ranges' ends. */
    public void lookedUp(ModelVersionView release, List<FeedbackTimes> found) {
        Chain chain = chains.get(Release.of(release));
        if (chain == null) {
            return;
        }
        chain.lookups++;
        for (FeedbackTimes t : found) {
            if (t.joinedAtMs() != null) {
                chain.newestFeedbackMs = chain.newestFeedbackMs == null ? t.joinedAtMs() : Math.max(chain.newestFeedbackMs, t.joinedAtMs());
            }
            chain.newestFeedbackDataTimeMs = chain.newestFeedbackDataTimeMs == null ? t.labelTimeMs()
                    : Math.max(chain.newestFeedbackDataTimeMs, t.labelTimeMs());
        }
    }

    /**
     * Records a prediction served by {@code model/version} at {@code servedAtMs} (wall clock) for an event of
     * {@code eventTimeMs} (data time), if that version is tracked.
     */
    public void prediction(String model, long version, long servedAtMs, long eventTimeMs) {
        Release release = new Release(model, version);
        Served served = new Served(servedAtMs, eventTimeMs);
        Chain chain = chains.get(release);
        if (chain != null) {
            chain.firstPrediction = served.earlier(chain.firstPrediction);
        } else if (ahead.containsKey(release)) {
            ahead.put(release, served.earlier(ahead.get(release)));
        } else if (isAhead(release) && ahead.size() < MAX_AHEAD) {
            ahead.put(release, served);
        }
    }

    /** One row per release of {@code shown}, in its order. */
    public List<FreshnessRow> rows(List<ModelVersionView> shown) {
        List<FreshnessRow> rows = new ArrayList<>(shown.size());
        for (ModelVersionView r : shown) {
            Chain chain = chains.get(Release.of(r));
            Long feedback = chain == null ? null : chain.newestFeedbackMs;
            Served first = chain == null ? null : chain.firstPrediction;
            Long prediction = first == null ? null : first.servedAtMs();
            rows.add(new FreshnessRow(r.name(), r.version(), r.status(), feedback,
                    chain == null ? null : chain.newestFeedbackDataTimeMs, r.trainedThroughEventTime(), r.createdAt(),
                    prediction, first == null ? null : first.eventTimeMs(),
                    feedback == null ? null : r.createdAt() - feedback,
                    prediction == null ? null : prediction - r.createdAt(),
                    feedback == null || prediction == null ? null : prediction - feedback,
                    first == null ? null : first.eventTimeMs() - r.trainedThroughEventTime()));
        }
        return rows;
    }

    /** Releases with state kept: the tracked ones plus versions served ahead of their release. */
    public int size() {
        return chains.size() + ahead.size();
    }

    /** A version newer than every shown one of its model (or of a model not shown yet): its release may follow. */
    private boolean isAhead(Release release) {
        Long newest = newestShown.get(release.model());
        return newest == null || release.version() > newest;
    }
}
