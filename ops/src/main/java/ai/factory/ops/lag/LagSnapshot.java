package ai.factory.ops.lag;

import java.util.List;
import java.util.Optional;

/**
 * The lag view after one refresh.
 *
 * @param sampledAt  wall-clock time of the sample, 0 before the first one
 * @param intervalMs sampling interval
 * @param windowSize samples a status is judged over
 * @param refreshMs  how long the last refresh took
 * @param error      why the last refresh failed, or null
 */
public record LagSnapshot(long sampledAt, long intervalMs, int windowSize, long refreshMs, String error, List<GroupView> groups) {

    /** Before the first sample. */
    public static LagSnapshot empty(long intervalMs, int windowSize) {
        return new LagSnapshot(0, intervalMs, windowSize, 0, null, List.of());
    }

    /** The group named {@code group}, if it was seen. */
    public Optional<GroupView> group(String group) {
        return groups.stream().filter(g -> g.group().equals(group)).findFirst();
    }
}
