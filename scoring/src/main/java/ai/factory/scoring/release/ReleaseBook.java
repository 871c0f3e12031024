package ai.factory.scoring.release;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;

/**
 * The latest record of every release key read from the compacted models topic, and the contract's rules
 * over them: the champion is the highest version whose latest status is CHAMPION; a rollback that retires it
 * makes the previous champion current again. Vectors are scored per feature spec, so the rules are applied
 * among the releases of one spec. Not thread-safe: the models reader owns it.
 */
public final class ReleaseBook {

    private final Map<ReleaseKey, ModelRelease> latest = new TreeMap<>();

    /** Records the latest state of {@code key}; a null release (tombstone) forgets it. */
    public void apply(ReleaseKey key, ModelRelease release) {
        if (release == null) {
            latest.remove(key);
        } else if (release.getStatus() == ReleaseStatus.CHAMPION || release.getStatus() == ReleaseStatus.CANDIDATE) {
            latest.put(key, release);
        } else {
            // Retired and rejected releases never serve again: keep their record, not their graph.
            latest.put(key, ModelRelease.newBuilder(release).setOnnx(ByteBuffer.allocate(0)).build());
        }
    }

    public Optional<ModelRelease> get(ReleaseKey key) {
        return Optional.ofNullable(latest.get(key));
    }

    /** The specs some release of {@code modelName} consumes. */
    public Set<SpecKey> specs(String modelName) {
        Set<SpecKey> specs = new TreeSet<>(Comparator.comparing(SpecKey::specName).thenComparingInt(SpecKey::specVersion));
        latest.forEach((key, release) -> {
            if (key.modelName().equals(modelName)) {
                specs.add(specOf(release));
            }
        });
        return specs;
    }

    /** Releases of {@code modelName} for {@code spec} whose latest status is CHAMPION, highest version first. */
    public List<ModelRelease> championsNewestFirst(String modelName, SpecKey spec) {
        return newestFirst(modelName, spec, ReleaseStatus.CHAMPION);
    }

    /** The champion: the highest CHAMPION version of {@code modelName} for {@code spec}. */
    public Optional<ModelRelease> champion(String modelName, SpecKey spec) {
        return championsNewestFirst(modelName, spec).stream().findFirst();
    }

    /** The challenger: the highest CANDIDATE version above the champion's, for {@code spec}. */
    public Optional<ModelRelease> challenger(String modelName, SpecKey spec) {
        long championVersion = champion(modelName, spec).map(ModelRelease::getVersion).orElse(Long.MIN_VALUE);
        return newestFirst(modelName, spec, ReleaseStatus.CANDIDATE).stream()
                .filter(r -> r.getVersion() > championVersion)
                .findFirst();
    }

    public static SpecKey specOf(ModelRelease release) {
        return new SpecKey(release.getSpecName(), release.getSpecVersion());
    }

    private List<ModelRelease> newestFirst(String modelName, SpecKey spec, ReleaseStatus status) {
        List<ModelRelease> found = new ArrayList<>();
        latest.forEach((key, release) -> {
            if (key.modelName().equals(modelName) && release.getStatus() == status && specOf(release).equals(spec)) {
                found.add(release);
            }
        });
        found.sort(Comparator.comparingLong(ModelRelease::getVersion).reversed());
        return found;
    }
}
