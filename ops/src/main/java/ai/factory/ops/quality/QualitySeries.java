package ai.factory.ops.quality;

import java.util.List;

/** The quality reports of one model version, oldest first. */
public record QualitySeries(String model, long version, List<QualityPoint> points) {
}
