package ai.factory.ops.status;

/** How a consumer group (or one of its partitions) keeps up, from best to worst. */
public enum Status {
    /** Caught up, catching up, or idle. */
    OK,
    /** Consuming, but lag grew in every interval of the window: falling behind. */
    WARN,
    /** A consumer is alive but its committed offset has not moved over the window while records wait. */
    STALL,
    /** No consumer is running and records wait: nothing moved over the window. */
    STOP,
    /** Offsets cannot be read, went backwards, or point at records that no longer exist. */
    ERROR;

    /** The worse of two statuses. */
    public Status worst(Status other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
