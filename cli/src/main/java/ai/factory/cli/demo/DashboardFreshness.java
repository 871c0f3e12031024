package ai.factory.cli.demo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import ai.factory.cli.JsonValues;
import ai.factory.ops.freshness.FreshnessRow;

/**
 * The freshness the dashboard shows at the end of a run (its {@code /api/freshness}): medians over the releases it
 * lists, wall clock, and the data-time lag apart, so a report can be checked against what users see.
 *
 * @param releases               releases listed with a full chain (feedback, release and first prediction known)
 * @param feedbackToReleaseS     median wall-clock seconds from the newest label joined to the release
 * @param releaseToPredictionS   median wall-clock seconds from the release to its first prediction
 * @param feedbackToPredictionS  median of the two together
 * @param dataTimeLagS           median data-time seconds between the first prediction's event and the newest event trained on
 */
public record DashboardFreshness(int releases, double feedbackToReleaseS, double releaseToPredictionS,
                                 double feedbackToPredictionS, double dataTimeLagS) {

    public static DashboardFreshness of(List<FreshnessRow> rows) {
        List<FreshnessRow> full = rows.stream().filter(r -> r.feedbackToPredictionMs() != null && r.dataTimeLagMs() != null).toList();
        return new DashboardFreshness(full.size(), median(full, FreshnessRow::feedbackToReleaseMs),
                median(full, FreshnessRow::releaseToPredictionMs), median(full, FreshnessRow::feedbackToPredictionMs),
                median(full, FreshnessRow::dataTimeLagMs));
    }

    private static double median(List<FreshnessRow> rows, Function<FreshnessRow, Long> field) {
        long[] values = rows.stream().map(field).filter(Objects::nonNull).mapToLong(Long::longValue).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2] / 1000.0;
    }

    /** The report's {@code dashboard_freshness_s} object (unknown figures are null). */
    Map<String, Object> toJson() {
        return JsonValues.object("releases", releases, "feedback_to_release", JsonValues.finite(feedbackToReleaseS),
                "release_to_prediction", JsonValues.finite(releaseToPredictionS),
                "feedback_to_prediction", JsonValues.finite(feedbackToPredictionS), "data_time_lag", JsonValues.finite(dataTimeLagS));
    }

    @Override
    public String toString() {
        if (releases == 0) {
            return "no listed release has a full chain yet";
        }
        String lag = dataTimeLagS >= 7_200 ? String.format(Locale.ROOT, "%.1f h", dataTimeLagS / 3_600)
                : String.format(Locale.ROOT, "%.0f s", dataTimeLagS);
        return String.format(Locale.ROOT, "feedback→release %.1f s, release→prediction %.1f s (wall clock, median of %d "
                + "listed releases); data-time lag %s (the data's own clock)", feedbackToReleaseS, releaseToPredictionS, releases, lag);
    }
}
