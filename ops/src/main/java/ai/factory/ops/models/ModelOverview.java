package ai.factory.ops.models;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first screen of one model: what serves, where it came from and what was decided lately, not every release.
 *
 * @param total     releases known of this model
 * @param newest    its highest version
 * @param champion  the release serving now, null when it has none
 * @param lineage   the champion, then its parent, grandparent ... as far as the topic still holds them
 * @param decisions the releases whose latest record came last, newest first: each one's status, who gave it, why
 *                  and when ({@link ModelVersionView#decidedAt()}); a roll back shows as ROLLED_BACK here
 * @param counts    releases by latest status (CANDIDATE, CHAMPION, REJECTED, RETIRED, ROLLED_BACK; zero included)
 */
public record ModelOverview(String name, int total, long newest, ModelVersionView champion, List<ModelVersionView> lineage,
                            List<ModelVersionView> decisions, Map<String, Integer> counts) {

    public ModelOverview {
        lineage = List.copyOf(lineage);
        decisions = List.copyOf(decisions);
        // Kept in the caller's order: the dashboard and the JSON list the statuses the same way every time.
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }
}
