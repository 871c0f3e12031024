package ai.factory.scoring.release;

import java.util.Objects;

/** A feature spec version: vectors and models meet only when both name the same one. */
public record SpecKey(String specName, int specVersion) {

    public SpecKey {
        Objects.requireNonNull(specName, "specName");
    }

    @Override
    public String toString() {
        return specName + "@" + specVersion;
    }
}
