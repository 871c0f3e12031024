package ai.factory.scoring.release;

import java.util.Objects;

/** One version of one model; on the models topic its key reads {@code "<model_name>/<version>"}. */
public record ReleaseKey(String modelName, long version) implements Comparable<ReleaseKey> {

    public ReleaseKey {
        Objects.requireNonNull(modelName, "modelName");
    }

    /** Parses a models-topic key; the name may itself contain slashes, the version follows the last one. */
    public static ReleaseKey parse(String key) {
        int slash = key == null ? -1 : key.lastIndexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new IllegalArgumentException("a release key reads <model_name>/<version>, not '" + key + "'");
        }
        try {
            return new ReleaseKey(key.substring(0, slash), Long.parseLong(key.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad version in release key '" + key + "'", e);
        }
    }

    @Override
    public int compareTo(ReleaseKey other) {
        int byName = modelName.compareTo(other.modelName);
        return byName != 0 ? byName : Long.compare(version, other.version);
    }

    @Override
    public String toString() {
        return modelName + "/" + version;
    }
}
