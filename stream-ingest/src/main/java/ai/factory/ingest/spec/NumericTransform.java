package ai.factory.ingest.spec;

import java.io.Serializable;

/** One step applied to a numeric value; min and max are used by CLIP only. */
public record NumericTransform(Kind kind, double min, double max) implements Serializable {

    /** The available steps. */
    public enum Kind { LOG1P, CLIP, STANDARDIZE }

    public static NumericTransform log1p() {
        return new NumericTransform(Kind.LOG1P, Double.NaN, Double.NaN);
    }

    public static NumericTransform clip(double min, double max) {
        if (!(min <= max)) {
            throw new SpecException("clip needs min <= max, got " + min + " and " + max);
        }
        return new NumericTransform(Kind.CLIP, min, max);
    }

    public static NumericTransform standardize() {
        return new NumericTransform(Kind.STANDARDIZE, Double.NaN, Double.NaN);
    }

    /** Applies a stateless step (LOG1P or CLIP). */
    public double apply(double x) {
        return switch (kind) {
            case LOG1P -> Math.log1p(x);
            case CLIP -> Math.min(max, Math.max(min, x));
            case STANDARDIZE -> throw new IllegalStateException("standardize needs running statistics");
        };
    }
}
