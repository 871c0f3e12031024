package ai.factory.scoring.model;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import ai.factory.scoring.release.SpecKey;

/**
 * The widths of the vectors scored per feature spec, so a new release of a spec is checked against real
 * vectors before it serves, not only against what the release declares.
 */
public final class SeenShapes {

    private final Map<SpecKey, VectorShape> shapes = new ConcurrentHashMap<>();

    /** Remembers the shape of vectors of {@code spec} that a model scored. */
    public void observe(SpecKey spec, VectorShape shape) {
        shapes.putIfAbsent(spec, shape);
    }

    public Optional<VectorShape> of(SpecKey spec) {
        return Optional.ofNullable(shapes.get(spec));
    }
}
