package ai.factory.release;

import java.util.Objects;

import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;

/** What the ledger knows of one release: its identity, spec and latest status with who gave it and why (no graph). */
public record ReleaseFacts(String model, long version, Long parentVersion, ReleaseSpec spec, ReleaseStatus status,
                           String reason, ReleaseActor actor) {

    public ReleaseFacts {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
        actor = actor == null ? ReleaseActor.UNKNOWN : actor;
    }

    /** The facts of a release record of the models topic. */
    public static ReleaseFacts of(ModelRelease release) {
        return new ReleaseFacts(release.getModelName(), release.getVersion(), release.getParentVersion(),
                new ReleaseSpec(release.getSpecName(), release.getSpecVersion()), release.getStatus(),
                release.getStatusReason(), release.getStatusBy());
    }

    /** The key of this release on the models topic. */
    public String key() {
        return ReleaseLedger.key(model, version);
    }

    /** The same release with another status. */
    public ReleaseFacts with(ReleaseStatus newStatus, ReleaseActor by, String why) {
        return new ReleaseFacts(model, version, parentVersion, spec, newStatus, why, by);
    }
}
