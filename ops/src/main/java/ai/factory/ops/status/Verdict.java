package ai.factory.ops.status;

import java.util.Objects;

/** A status with the reason it was given, in words an operator can act on. */
public record Verdict(Status status, String reason) {

    public Verdict {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
    }
}
