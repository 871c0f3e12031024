package ai.factory.release;

import java.util.Comparator;
import java.util.Objects;

/** The feature spec a release consumes: the ledger keeps one champion per model and spec. */
public record ReleaseSpec(String name, int version) implements Comparable<ReleaseSpec> {

    private static final Comparator<ReleaseSpec> ORDER =
            Comparator.comparing(ReleaseSpec::name).thenComparingInt(ReleaseSpec::version);

    public ReleaseSpec {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public int compareTo(ReleaseSpec other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return name + " v" + version;
    }
}
