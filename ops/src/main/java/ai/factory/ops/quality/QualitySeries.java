package ai.factory.ops.quality;

import java.util.List;

/** The quality reports of one model version, oldest first; {@code task} is that of the latest report. */
public record QualitySeries(String model, long version, String task, List<QualityPoint> points) {
}
