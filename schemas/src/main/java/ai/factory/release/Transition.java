package ai.factory.release;

import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;

/** One status change the ledger allows: which release, from what to what, who made it and why. */
public record Transition(String model, long version, ReleaseStatus from, ReleaseStatus to, ReleaseActor by, String reason) {

    /** The key of the release on the models topic. */
    public String key() {
        return ReleaseLedger.key(model, version);
    }

    /** The record to publish: {@code current} (the release's latest record) with this transition's status. */
    public ModelRelease applyTo(ModelRelease current) {
        if (!current.getModelName().equals(model) || current.getVersion() != version) {
            throw new IllegalArgumentException("transition of " + key() + " applied to "
                    + ReleaseLedger.key(current.getModelName(), current.getVersion()));
        }
        return ModelRelease.newBuilder(current).setStatus(to).setStatusReason(reason).setStatusBy(by).build();
    }

    @Override
    public String toString() {
        return key() + ": " + from + " -> " + to + " by " + by + " (" + reason + ")";
    }
}
