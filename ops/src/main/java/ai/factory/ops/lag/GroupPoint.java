package ai.factory.ops.lag;

import ai.factory.ops.status.Status;

/** One point of a group's lag history, for charts. */
public record GroupPoint(long t, long lagRecords, Double lagSeconds, Status status) {
}
