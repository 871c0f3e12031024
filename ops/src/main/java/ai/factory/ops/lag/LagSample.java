package ai.factory.ops.lag;

import java.util.List;

/** Every consumer group of the cluster at one moment, and how long taking the sample took. */
public record LagSample(long timeMs, List<GroupLag> groups, long durationMs) {
}
